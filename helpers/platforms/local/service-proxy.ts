// A Service: one stable loopback port that spreads connections over the ready replicas, as a
// Kubernetes Service does over ready pods. With no ready replica, connections are refused (reset).
import net from "node:net";

export interface Endpoint {
  host: string;
  port: number;
}

export class ServiceProxy {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private endpoints: Endpoint[] = [];
  private next = 0;

  private constructor(
    readonly name: string,
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
  }

  static async listen(name: string, port = 0): Promise<ServiceProxy> {
    let proxy: ServiceProxy | undefined;
    const server = net.createServer((client) => proxy?.accept(client));
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

  private accept(client: net.Socket): void {
    const endpoint = this.endpoints[this.next++ % Math.max(1, this.endpoints.length)];
    if (!endpoint) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(endpoint);
    this.sockets.add(client).add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream).pipe(client);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
