// The launcher's own loopback calls: etcd's /health, and the API server's REST endpoints trusted
// through the CA it generated for itself. Not @kubernetes/client-node: the CLI imports the launcher
// eagerly (for its sweeps) and that client takes ~300 ms to load; the first calls also come before
// any kubeconfig exists.
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { EnvironmentNotReady } from "../../core/errors.ts";

const REQUEST_TIMEOUT_MS = 3_000;

/** What a readiness check is still waiting for, in words; undefined once ready. */
export type Pending = string | undefined;

export interface ApiResponse {
  status: number;
  text: string;
}

export class ControlPlaneApi {
  readonly server: string;
  private readonly agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  private ca: Buffer | undefined;

  constructor(
    private readonly certDir: string,
    private readonly port: number,
    private readonly token: string,
  ) {
    this.server = `https://127.0.0.1:${port}`;
  }

  /** Where the CA is written for the components (the controller-manager's --root-ca-file) and the kubeconfig. */
  get caPath(): string {
    return path.join(this.certDir, "ca.crt");
  }

  /** The CA of the API server's self-signed serving certificate, once the API server has written it. */
  serverCa(): Buffer | undefined {
    if (this.ca) return this.ca;
    const certFile = path.join(this.certDir, "apiserver.crt");
    if (!fs.existsSync(certFile)) return undefined;
    // The file holds the serving certificate, then the CA that signed it. Clients need only the CA;
    // the controller-manager publishes --root-ca-file as a trust bundle, which must hold CAs only.
    const blocks = fs.readFileSync(certFile, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const ca = blocks.find((pem) => new X509Certificate(pem).ca);
    if (!ca) throw new EnvironmentNotReady(`${certFile} holds no CA certificate (${blocks.length} certificate(s)); kube-apiserver's self-signed layout changed`);
    fs.writeFileSync(this.caPath, `${ca}\n`);
    this.ca = Buffer.from(`${ca}\n`);
    return this.ca;
  }

  request(method: string, pathname: string, body?: unknown): Promise<ApiResponse> {
    const ca = this.serverCa();
    if (!ca) return Promise.reject(new Error(`serving certificate ${path.join(this.certDir, "apiserver.crt")} not written yet`));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: this.port,
          path: pathname,
          method,
          ca,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { authorization: `Bearer ${this.token}`, accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  async ready(): Promise<Pending> {
    const { status, text } = await this.request("GET", "/readyz");
    return status === 200 ? undefined : `HTTP ${status}: ${lastLines(text, 3)}`;
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    this.agent.destroy();
  }
}

export function etcdHealth(port: number): Promise<Pending> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/health", timeout: REQUEST_TIMEOUT_MS, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(res.statusCode === 200 && text.includes('"health":"true"') ? undefined : `HTTP ${res.statusCode}: ${text.trim()}`));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
  });
}

export function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}
