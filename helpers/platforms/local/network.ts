// The local platform's network: each HTTP deployment's Service (a stable port), and the edges, one
// loopback proxy per (deployment, dependency) pair, through which replicas reach services and
// external dependencies. Link conditions apply to one edge; service conditions to a Service and
// every edge into it.
import net from "node:net";
import { HarnessError } from "../../core/errors.ts";
import type { LinkCondition, LinkReading, ServiceCondition } from "../platform.ts";
import { deploymentNamed, type Deployment } from "./deployment.ts";
import type { EventLog } from "./logs-and-events.ts";
import { ServiceProxy } from "./service-proxy.ts";

/** A dependency the supervisor does not run (the broker), reached through an edge like a service. */
export interface ExternalDependency {
  name: string;
  /** Its URL, credentials included. Any env value equal to it reaches each replica as its edge's URL. */
  url: string;
}

export class Network {
  /** Edge proxies by "from->to". */
  private readonly edges = new Map<string, ServiceProxy>();

  constructor(
    private readonly deployments: ReadonlyMap<string, Deployment>,
    private readonly externals: readonly ExternalDependency[],
    private readonly events: EventLog,
  ) {}

  isExternal(name: string): boolean {
    return this.externals.some((e) => e.name === name);
  }

  /** Gives a deployment that serves HTTP its Service. */
  async openService(d: Deployment): Promise<void> {
    if (d.spec.healthPath !== undefined) d.proxy = await ServiceProxy.listen(d.spec.name);
  }

  /** The URL of a deployment's Service (its stable port). */
  serviceUrl(d: Deployment): string {
    if (!d.proxy) throw new HarnessError(`deployment ${d.spec.name} serves no HTTP, so it has no service URL`);
    return `http://127.0.0.1:${d.proxy.port}`;
  }

  /** Every deployment gets an edge to every service but its own, and to every external dependency. */
  async openEdges(): Promise<void> {
    for (const from of this.deployments.keys()) {
      for (const to of this.dependencies()) {
        const key = `${from}->${to}`;
        if (to === from || this.edges.has(key)) continue;
        const edge = await ServiceProxy.listen(key);
        edge.setEndpoints([this.dependencyAddress(to)]);
        this.edges.set(key, edge);
      }
    }
  }

  /** The addresses a replica of `d` is given: <NAME>_URL of each service, its own edge for each. */
  serviceUrlsFor(d: Deployment): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, other] of this.deployments) {
      if (!other.proxy) continue;
      const port = name === d.spec.name ? other.proxy.port : this.edge(d.spec.name, name).port;
      env[`${name.toUpperCase().replace(/-/g, "_")}_URL`] = `http://127.0.0.1:${port}`;
    }
    return env;
  }

  /** Replaces, in place, every env value equal to an external dependency's URL with the URL of `from`'s edge to it. */
  routeExternals(from: string, env: NodeJS.ProcessEnv): void {
    for (const [key, value] of Object.entries(env)) {
      const external = this.externals.find((e) => e.url === value);
      if (external) env[key] = this.externalUrlFor(from, external);
    }
  }

  link(from: string, to: string): LinkCondition {
    return this.edge(from, to).linkCondition;
  }

  setLink(from: string, to: string, condition: LinkCondition): { previous: LinkCondition } {
    const previous = this.edge(from, to).setLinkCondition(condition);
    this.events.add("Normal", "LinkChanged", `link/${from}->${to}`, `Link set to ${JSON.stringify(condition)}`);
    return { previous };
  }

  serviceCondition(service: string): ServiceCondition {
    return this.serviceProxy(service).serviceCondition;
  }

  /** Applies to the service's own port (callers from outside) and to every edge leading to it. */
  setServiceCondition(service: string, condition: ServiceCondition): { previous: ServiceCondition } {
    const previous = this.serviceProxy(service).setServiceCondition(condition);
    for (const [key, edge] of this.edges) if (key.endsWith(`->${service}`)) edge.setServiceCondition(condition);
    this.events.add("Normal", "ServiceChanged", `service/${service}`, `Service set to ${JSON.stringify(condition)}`);
    return { previous };
  }

  /**
   * One round trip over the edge from → to: an HTTP request to a service's health path, or the
   * AMQP protocol header to a broker; timed to the first byte of the answer.
   */
  measureLink(from: string, to: string, timeoutMs: number): Promise<LinkReading> {
    const edge = this.edge(from, to);
    const healthPath = this.deployments.get(to)?.spec.healthPath;
    const external = healthPath === undefined ? this.external(to) : undefined;
    const request =
      external && new URL(external.url).protocol.startsWith("amqp")
        ? Buffer.from("AMQP\x00\x00\x09\x01", "latin1")
        : Buffer.from(`GET ${healthPath ?? "/"} HTTP/1.1\r\nHost: ${to}\r\nConnection: close\r\n\r\n`);
    return new Promise((resolve) => {
      let sent = performance.now();
      const socket = net.connect({ host: "127.0.0.1", port: edge.port });
      const done = (outcome: LinkReading["outcome"]): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ outcome, latencyMs: Math.round(performance.now() - sent) });
      };
      const timer = setTimeout(() => done("timeout"), timeoutMs);
      socket.once("connect", () => {
        sent = performance.now();
        socket.write(request);
      });
      socket.once("data", () => done("answered"));
      socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED" ? "refused" : "closed"));
      socket.once("close", () => done("closed"));
    });
  }

  /** Closes the Services, then the edges. */
  async close(): Promise<void> {
    await Promise.all([...this.deployments.values()].map((d) => d.proxy?.close() ?? Promise.resolve()));
    await Promise.all([...this.edges.values()].map((edge) => edge.close()));
  }

  /** Names a replica can reach: services (deployments with a health path) and external dependencies. */
  private dependencies(): string[] {
    const services = [...this.deployments].filter(([, d]) => d.proxy).map(([name]) => name);
    return [...services, ...this.externals.map((e) => e.name)];
  }

  private dependencyAddress(name: string): { host: string; port: number } {
    const proxy = this.deployments.get(name)?.proxy;
    if (proxy) return { host: "127.0.0.1", port: proxy.port };
    const external = this.external(name);
    const url = new URL(external.url);
    const defaults: Record<string, number> = { "amqp:": 5672, "amqps:": 5671, "http:": 80, "https:": 443 };
    return { host: url.hostname, port: Number(url.port || defaults[url.protocol] || 0) };
  }

  private external(name: string): ExternalDependency {
    const found = this.externals.find((e) => e.name === name);
    if (!found) throw new HarnessError(`no dependency named "${name}" on the local platform (known: ${this.dependencies().join(", ")})`);
    return found;
  }

  private edge(from: string, to: string): ServiceProxy {
    deploymentNamed(this.deployments, from);
    if (from === to) throw new HarnessError(`${from} reaches itself through its own service, not over a link`);
    const edge = this.edges.get(`${from}->${to}`);
    if (!edge) throw new HarnessError(`no link from ${from} to "${to}" on the local platform (${from} can reach: ${this.dependencies().filter((n) => n !== from).join(", ")})`);
    return edge;
  }

  /** An external dependency's URL as seen by a replica of `from`: same credentials and path, its edge's host:port. */
  private externalUrlFor(from: string, external: ExternalDependency): string {
    const url = new URL(external.url);
    url.hostname = "127.0.0.1";
    url.port = String(this.edge(from, external.name).port);
    return url.toString();
  }

  private serviceProxy(service: string): ServiceProxy {
    const proxy = this.deployments.get(service)?.proxy;
    if (!proxy) {
      const services = this.dependencies().filter((n) => this.deployments.get(n)?.proxy);
      throw new HarnessError(`"${service}" is not an HTTP service on the local platform (services: ${services.join(", ")})`);
    }
    return proxy;
  }
}
