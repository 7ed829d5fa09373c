// The target's monitoring as a game day reads it — Prometheus's alerts and queries, and the
// notifications Alertmanager delivered — whether it is the run's own stack or a team's Prometheus
// given by URL. Read-only: a game day never changes a team's monitoring.
import { describeError, HarnessError } from "../core/errors.ts";
import { redactUrl } from "../core/redact.ts";
import type { MonitoringStack } from "./stack.ts";

/** An alert as Prometheus evaluates it now. */
export interface ActiveAlert {
  name: string;
  labels: Record<string, string>;
  state: "pending" | "firing";
  /** Epoch milliseconds since when the rule's condition has held. */
  activeAt: number;
}

/** One alert of a notification Alertmanager delivered, as the run's receiver recorded it. */
export interface AlertNotification {
  /** Epoch milliseconds of arrival at the receiver. */
  receivedAt: number;
  status: "firing" | "resolved";
  name: string;
  labels: Record<string, string>;
}

export interface Monitoring {
  /** Where it is, for reports (no credentials). */
  readonly display: string;
  alerts(): Promise<ActiveAlert[]>;
  /** An instant query: one value per series. */
  query(promql: string): Promise<{ labels: Record<string, string>; value: number }[]>;
  /** Notifications received so far; undefined when the run has no receiver (a team's own Alertmanager). */
  notifications(): readonly AlertNotification[] | undefined;
  /** The alert names the loaded rules define. */
  alertNames(): Promise<readonly string[]>;
  /**
   * Evaluates these rule files instead of the current ones until the returned function is called
   * (a rule under test, a mutant's broken rule). Only the run's own stack can; a team's cannot.
   */
  withRuleFiles?(files: readonly string[]): Promise<() => Promise<void>>;
  /** The rule files evaluated now (the run's own stack). */
  readonly ruleFiles?: readonly string[];
}

/** The run's own stack, seen through the game day's view. */
export function stackMonitoring(stack: MonitoringStack): Monitoring {
  return {
    display: `the run's Prometheus at ${stack.prometheusUrl}`,
    alerts: async () => (await stack.alerts()).map((a) => ({ name: a.name, labels: a.labels, state: a.state, activeAt: Date.parse(a.activeAt) })),
    query: (promql) => stack.query(promql),
    notifications: () => stack.notifications().map((n) => ({ receivedAt: n.receivedAt, status: n.status, name: n.alertname, labels: n.labels })),
    alertNames: () => stack.ruleNames(),
    get ruleFiles() {
      return stack.ruleFiles;
    },
    withRuleFiles: async (files) => {
      const before = stack.ruleFiles;
      await stack.useRuleFiles(files);
      return () => stack.useRuleFiles(before);
    },
  };
}

interface PrometheusAnswer<T> {
  status?: string;
  data?: T;
  error?: string;
}

/** A read-only HTTP API: GETs with an optional Authorization header (by reference: never printed). */
function api(name: string, baseUrl: string, authorization: string | undefined) {
  const base = baseUrl.replace(/\/$/, "");
  const display = `${name} at ${redactUrl(base)}`;
  return {
    display,
    get: async (path: string): Promise<unknown> => {
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, { headers: authorization ? { authorization } : {}, signal: AbortSignal.timeout(5_000) });
      } catch (error) {
        throw new HarnessError(`${display} did not answer ${path.split("?")[0] ?? path}: ${describeError(error)}`);
      }
      if (!response.ok) throw new HarnessError(`${display} answered HTTP ${response.status} to ${path.split("?")[0] ?? path}`);
      return response.json();
    },
  };
}

/**
 * A team's own Prometheus (--prometheus URL) read through its HTTP API, and optionally its
 * Alertmanager (--alertmanager URL): the run has no receiver there, so a "notification" is when
 * Alertmanager was first seen holding the alert (polled with the alerts), the moment it could notify.
 * Credentials come from GAMEDAY_PROMETHEUS_AUTHORIZATION / GAMEDAY_ALERTMANAGER_AUTHORIZATION.
 */
export function remoteMonitoring(options: { prometheusUrl: string; alertmanagerUrl?: string | undefined; env?: NodeJS.ProcessEnv }): Monitoring {
  const env = options.env ?? process.env;
  const prometheus = api("Prometheus", options.prometheusUrl, env.GAMEDAY_PROMETHEUS_AUTHORIZATION);
  const alertmanager = options.alertmanagerUrl ? api("Alertmanager", options.alertmanagerUrl, env.GAMEDAY_ALERTMANAGER_AUTHORIZATION) : undefined;
  const data = async <T>(path: string): Promise<T> => {
    const body = (await prometheus.get(path)) as PrometheusAnswer<T>;
    if (body.status !== "success" || body.data === undefined) throw new HarnessError(`${prometheus.display} refused ${path.split("?")[0] ?? path}: ${body.error ?? "no data"}`);
    return body.data;
  };
  const seen: AlertNotification[] = [];
  const active = new Map<string, AlertNotification>();
  const pollAlertmanager = async (): Promise<void> => {
    if (!alertmanager) return;
    const held = (await alertmanager.get("/api/v2/alerts?active=true&silenced=false&inhibited=false")) as { fingerprint: string; labels: Record<string, string> }[];
    const now = Date.now();
    const current = new Set(held.map((a) => a.fingerprint));
    for (const a of held) {
      if (active.has(a.fingerprint)) continue;
      const entry: AlertNotification = { receivedAt: now, status: "firing", name: a.labels.alertname ?? "", labels: a.labels };
      active.set(a.fingerprint, entry);
      seen.push(entry);
    }
    for (const [fingerprint, entry] of active) {
      if (current.has(fingerprint)) continue;
      active.delete(fingerprint);
      seen.push({ ...entry, receivedAt: now, status: "resolved" });
    }
  };
  return {
    display: `${prometheus.display}${alertmanager ? ` and ${alertmanager.display}` : ""}`,
    alerts: async () => {
      await pollAlertmanager();
      return (await data<{ alerts: { labels: Record<string, string>; state: string; activeAt: string }[] }>("/api/v1/alerts")).alerts
        .filter((a) => a.state === "pending" || a.state === "firing")
        .map((a) => ({ name: a.labels.alertname ?? "", labels: a.labels, state: a.state as ActiveAlert["state"], activeAt: Date.parse(a.activeAt) }));
    },
    query: async (promql) => {
      const result = await data<{ resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] | [number, string] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      if (result.resultType === "scalar") return [{ labels: {}, value: Number((result.result as [number, string])[1]) }];
      return (result.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ labels: r.metric, value: Number(r.value[1]) }));
    },
    notifications: () => (alertmanager ? seen : undefined),
    alertNames: async () =>
      (await data<{ groups: { rules: { type: string; name: string }[] }[] }>("/api/v1/rules?type=alert")).groups.flatMap((g) => g.rules.filter((r) => r.type === "alerting").map((r) => r.name)),
  };
}
