// A Service, or an edge: one stable loopback port that spreads connections over its endpoints, as a
// Kubernetes Service does over ready pods (with no endpoint, connections are reset). The same proxy
// carries the local platform's network faults: a link condition (latency, blackhole) and a service
// condition (HTTP errors on a fraction of requests).
import http from "node:http";
import net from "node:net";
import type { LinkCondition, ServiceCondition } from "../platform.ts";

export interface Endpoint {
  host: string;
  port: number;
}

/** How a connection is handled: forwarded byte for byte, answered request by request, or held. */
type Handling = "tcp" | "http" | "blackhole";

interface Connection {
  client: net.Socket;
  upstream?: net.Socket;
  handling: Handling;
  frozen: boolean;
  lines: DelayLine[];
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

function endToEnd<T extends Record<string, unknown>>(headers: T): T {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()))) as T;
}

/** Releases chunks (null: the end of the stream) after their delay, never out of order. */
class DelayLine {
  private readonly queue: { at: number; chunk: Buffer | null }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly out: (chunk: Buffer | null) => void) {}

  push(chunk: Buffer | null, delayMs: number): void {
    if (delayMs <= 0 && this.queue.length === 0) {
      this.out(chunk);
      return;
    }
    const last = this.queue.at(-1)?.at ?? 0;
    this.queue.push({ at: Math.max(Date.now() + delayMs, last), chunk });
    this.schedule();
  }

  clear(): void {
    this.queue.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    const first = this.queue[0];
    if (this.timer || !first) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const now = Date.now();
      while (this.queue[0] && this.queue[0].at <= now) this.out(this.queue.shift()?.chunk ?? null);
      this.schedule();
    }, Math.max(0, first.at - Date.now()));
  }
}

export class ServiceProxy {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private readonly requests: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true });
  private endpoints: Endpoint[] = [];
  private next = 0;
  private link: LinkCondition = { mode: "normal" };
  private service: ServiceCondition = { mode: "normal" };

  private constructor(
    readonly name: string,
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
    this.requests = http.createServer((req, res) => this.answer(req, res));
    this.requests.on("clientError", (_error, socket) => socket.destroy());
  }

  static async listen(name: string, port = 0): Promise<ServiceProxy> {
    let proxy: ServiceProxy | undefined;
    const server = net.createServer({ allowHalfOpen: true }, (client) => proxy?.accept(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    const address = server.address();
    proxy = new ServiceProxy(name, typeof address === "object" && address ? address.port : port, server);
    return proxy;
  }

  setEndpoints(endpoints: Endpoint[]): void {
    this.endpoints = endpoints;
  }

  get linkCondition(): LinkCondition {
    return this.link;
  }

  get serviceCondition(): ServiceCondition {
    return this.service;
  }

  /** Applies to new connections and, for latency, to the bytes of existing ones from now on. */
  setLinkCondition(condition: LinkCondition): LinkCondition {
    const [previous, before] = [this.link, this.handling()];
    this.link = condition;
    this.handlingChanged(before);
    return previous;
  }

  setServiceCondition(condition: ServiceCondition): ServiceCondition {
    const [previous, before] = [this.service, this.handling()];
    this.service = condition;
    this.handlingChanged(before);
    return previous;
  }

  private handling(): Handling {
    if (this.link.mode === "blackhole") return "blackhole";
    return this.service.mode === "http-error" ? "http" : "tcp";
  }

  /**
   * Existing connections follow a change of handling. A blackhole freezes forwarded ones (nothing
   * passes either way). Injecting HTTP errors resets forwarded ones, so pooled keep-alive clients
   * reconnect and meet the new behaviour. Lifting them keeps connections answered request by
   * request, which now forwards every request, so a revert resets nothing. Connections a blackhole
   * held are reset when it is lifted.
   */
  private handlingChanged(before: Handling): void {
    const after = this.handling();
    if (after === before) return;
    for (const connection of [...this.connections]) {
      if (after === "blackhole") {
        if (connection.handling === "tcp") this.freeze(connection);
        else this.drop(connection);
      } else if (!(connection.handling === "http" && after === "tcp")) {
        this.drop(connection);
      }
    }
  }

  private freeze(connection: Connection): void {
    connection.frozen = true;
    for (const line of connection.lines) line.clear();
    connection.client.pause();
    connection.upstream?.pause();
  }

  private drop(connection: Connection): void {
    for (const line of connection.lines) line.clear();
    connection.client.destroy();
    connection.upstream?.destroy();
    this.connections.delete(connection);
  }

  private pick(): Endpoint | undefined {
    return this.endpoints[this.next++ % Math.max(1, this.endpoints.length)];
  }

  /** Latency added to what the far side sends back: once per round trip. */
  private delayMs(): number {
    if (this.link.mode !== "latency") return 0;
    return Math.max(0, this.link.delayMs + (Math.random() * 2 - 1) * this.link.jitterMs);
  }

  private accept(client: net.Socket): void {
    const connection: Connection = { client, handling: this.handling(), frozen: false, lines: [] };
    this.connections.add(connection);
    client.on("error", () => this.drop(connection));
    client.on("close", () => {
      if (!connection.upstream || connection.upstream.destroyed) this.connections.delete(connection);
    });
    if (connection.handling === "blackhole") return; // accepted, never read, never answered
    if (connection.handling === "http") {
      this.requests.emit("connection", client);
      return;
    }
    const endpoint = this.pick();
    if (!endpoint) {
      this.connections.delete(connection);
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ ...endpoint, allowHalfOpen: true });
    connection.upstream = upstream;
    upstream.on("error", () => this.drop(connection));
    upstream.on("close", () => {
      if (client.destroyed) this.connections.delete(connection);
    });
    this.wire(connection, client, upstream, () => 0);
    this.wire(connection, upstream, client, () => this.delayMs());
  }

  /** Forwards one direction through a delay line, with back-pressure; an end is forwarded in order. */
  private wire(connection: Connection, from: net.Socket, to: net.Socket, delay: () => number): void {
    let waitingForDrain = false;
    const line = new DelayLine((chunk) => {
      if (to.destroyed) return;
      if (chunk === null) {
        to.end();
        return;
      }
      if (!to.write(chunk) && !waitingForDrain) {
        waitingForDrain = true;
        from.pause();
        to.once("drain", () => {
          waitingForDrain = false;
          if (!connection.frozen) from.resume();
        });
      }
    });
    connection.lines.push(line);
    from.on("data", (chunk: Buffer) => {
      if (!connection.frozen) line.push(chunk, delay());
    });
    from.on("end", () => {
      if (!connection.frozen) line.push(null, delay());
    });
    from.on("close", () => {
      // Closed without an orderly end (reset, destroyed): the other side goes too.
      if (!from.readableEnded) {
        line.clear();
        to.destroy();
      }
    });
  }

  /** http-error handling: each request either gets the injected status or is forwarded. */
  private answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const respond = (): void => {
      const condition = this.service;
      if (condition.mode === "http-error" && Math.random() < condition.rate) {
        const body = `gameday: HTTP ${condition.status} injected on ${this.name}\n`;
        res.writeHead(condition.status, { "content-type": "text/plain", "content-length": Buffer.byteLength(body), connection: "close" });
        res.end(body);
        return;
      }
      const endpoint = this.pick();
      if (!endpoint) {
        req.socket.destroy();
        return;
      }
      const forwarded = http.request(
        { host: endpoint.host, port: endpoint.port, method: req.method, path: req.url, headers: endToEnd(req.headers), agent: this.agent },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, endToEnd(upstream.headers));
          upstream.pipe(res);
        },
      );
      forwarded.on("error", () => res.destroy());
      res.on("close", () => {
        if (!res.writableFinished) forwarded.destroy();
      });
      req.pipe(forwarded);
    };
    const delay = this.delayMs();
    if (delay > 0) setTimeout(respond, delay);
    else respond();
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) this.drop(connection);
    this.agent.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
