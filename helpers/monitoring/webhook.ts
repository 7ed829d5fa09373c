// The receiver Alertmanager delivers to: an HTTP server inside the run that records every alert of
// every notification with the time it arrived. Prometheus' /api/v1/alerts only shows the present;
// this record is what says when monitoring noticed, and when it saw the recovery.
import http from "node:http";

/** One alert of one Alertmanager notification, as the webhook received it. */
export interface AlertNotification {
  /** When the notification arrived (epoch milliseconds, this process' clock). */
  receivedAt: number;
  status: "firing" | "resolved";
  alertname: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339, from Prometheus: when the alert started firing. */
  startsAt: string;
  /** RFC 3339; Go's zero time (0001-01-01…) while firing. */
  endsAt: string;
  fingerprint: string;
}

export interface WebhookReceiver {
  readonly url: string;
  notifications(): AlertNotification[];
  close(): Promise<void>;
}

const MAX_BODY = 1 << 20;

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== "object" || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === "string"));
}

/** The alerts of a webhook payload (Alertmanager's version 4 format); throws on anything else. */
export function parseNotification(body: string, receivedAt: number): AlertNotification[] {
  const payload = JSON.parse(body) as unknown;
  if (typeof payload !== "object" || payload === null || !("alerts" in payload) || !Array.isArray(payload.alerts)) {
    throw new Error(`not an Alertmanager notification: no alerts array in ${body.slice(0, 200)}`);
  }
  return payload.alerts.map((raw: unknown): AlertNotification => {
    const alert = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
    const labels = stringRecord(alert.labels);
    const status = alert.status === "resolved" ? "resolved" : "firing";
    return {
      receivedAt,
      status,
      alertname: labels.alertname ?? "(no alertname)",
      labels,
      annotations: stringRecord(alert.annotations),
      startsAt: typeof alert.startsAt === "string" ? alert.startsAt : "",
      endsAt: typeof alert.endsAt === "string" ? alert.endsAt : "",
      fingerprint: typeof alert.fingerprint === "string" ? alert.fingerprint : "",
    };
  });
}

/** Listens on 127.0.0.1:port; `log` hears about payloads it could not read. */
export async function startWebhookReceiver(port: number, log: (line: string) => void): Promise<WebhookReceiver> {
  const received: AlertNotification[] = [];
  const server = http.createServer((req, res) => {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        if (size > MAX_BODY) throw new Error(`payload of ${size} bytes exceeds ${MAX_BODY}`);
        received.push(...parseNotification(Buffer.concat(chunks).toString("utf8"), receivedAt));
        res.writeHead(200).end();
      } catch (error) {
        log(`alert webhook: ignored a ${req.method ?? "?"} ${req.url ?? ""}: ${error instanceof Error ? error.message : String(error)}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.unref(); // a stack nobody disposed must not keep the run's process alive
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    notifications: () => received.map((n) => ({ ...n, labels: { ...n.labels }, annotations: { ...n.annotations } })),
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // Alertmanager keeps connections alive
      })),
  };
}
