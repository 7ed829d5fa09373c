// alert: an alert of the target's monitoring, as Prometheus evaluates it now: inactive, pending (its
// condition holds, its `for` has not passed) or firing. Matched by name and, optionally, labels.
import * as z from "zod";
import { HarnessError } from "../core/errors.ts";
import type { ActiveAlert, Monitoring } from "../monitoring/monitoring.ts";
import { defineProbe } from "./probe.ts";

export const AlertName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "an alert name as a rule's `alert:` gives it, e.g. ShippingTaskNotConsumed" });

/** The alerts of this name whose labels include the given ones. */
export const matchingAlerts = (alerts: readonly ActiveAlert[], name: string, labels: Record<string, string> = {}): ActiveAlert[] =>
  alerts.filter((a) => a.name === name && Object.entries(labels).every(([k, v]) => a.labels[k] === v));

export function monitoringOf(platform: { name: string; monitoring?: Monitoring | undefined }, what: string): Monitoring {
  if (!platform.monitoring) {
    throw new HarnessError(`${what} needs the target's monitoring, and this run has none on the ${platform.name} platform: the embedded monitoring needs Debian's prometheus and prometheus-alertmanager; for your own cluster pass --prometheus URL`);
  }
  return platform.monitoring;
}

export const alert = defineProbe({
  kind: "alert",
  fields: { name: AlertName, labels: z.record(z.string(), z.string()).default({}) },
  summary: "an alert of the target's monitoring, matched by name and labels",
  reading: { firing: "flag", pending: "flag", inactive: "flag", activeForMs: "number" },
  timeline: [],
  subject: (spec) => `alert ${spec.name}${Object.keys(spec.labels).length > 0 ? `{${Object.entries(spec.labels).map(([k, v]) => `${k}="${v}"`).join(",")}}` : ""}`,
  read: (spec, { platform }) => async () => {
    const found = matchingAlerts(await monitoringOf(platform, `the alert probe (${spec.name})`).alerts(), spec.name, spec.labels);
    const firing = found.some((a) => a.state === "firing");
    const since = Math.min(...found.map((a) => a.activeAt));
    return { firing, pending: !firing && found.length > 0, inactive: found.length === 0, activeForMs: found.length === 0 ? 0 : Math.max(0, Date.now() - since) };
  },
});
