// http-error: callers of a service get HTTP <status> on a fraction `rate` of their requests, as a
// failing dependency or a misbehaving sidecar would answer. Reverting restores the recorded condition.
import { that } from "../invariants/temporal.ts";
import type { Platform } from "../platforms/platform.ts";
import type { Probe } from "../probes/probe.ts";
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { defineFault, proveWithin } from "./fault.ts";

interface Answers {
  sent: number;
  /** Count per HTTP status; 0 counts requests that got no HTTP answer. */
  statuses: Record<string, number>;
}

/** A batch of requests to the service's entry point, sized so the injected status is likely to show. */
function answersProbe(platform: Platform, service: string, batch: number): Probe<Answers> {
  return {
    subject: `${batch} requests to ${service}`,
    read: async () => {
      const statuses: Record<string, number> = {};
      await Promise.all(
        Array.from({ length: batch }, async () => {
          let status = 0;
          try {
            const response = await fetch(platform.endpoint(service), { signal: AbortSignal.timeout(5_000), redirect: "manual" });
            await response.arrayBuffer();
            status = response.status;
          } catch {
            // no HTTP answer
          }
          statuses[status] = (statuses[status] ?? 0) + 1;
        }),
      );
      return { sent: batch, statuses };
    },
  };
}

export const httpError = defineFault({
  kind: "http-error",
  requires: "service-conditions",
  fields: { service: Name, status: z.int().min(400).max(599).default(503), rate: z.number().gt(0).max(1).default(1) },
  title: (spec) => `answer HTTP ${spec.status} to ${Math.round(spec.rate * 100)}% of requests to ${spec.service}`,
  read: async (platform, spec) => ({ service: spec.service, condition: await platform.serviceCondition(spec.service) }),
  apply: async (platform, spec) => void (await platform.setServiceCondition(spec.service, { mode: "http-error", status: spec.status, rate: spec.rate })),
  prove: async (platform, spec, _original, _applied, title) => {
    const probe = answersProbe(platform, spec.service, Math.min(50, Math.ceil(5 / spec.rate)));
    const seen = await proveWithin(title, probe, that<Answers>(`at least one answered ${spec.status}`, (a) => (a.statuses[spec.status] ?? 0) > 0), spec.proofTimeoutMs ?? 10_000);
    return `${seen.sent} requests to ${spec.service}: ${seen.statuses[spec.status] ?? 0} answered ${spec.status} (statuses ${JSON.stringify(seen.statuses)})`;
  },
  restore: async (platform, spec, original) => void (await platform.setServiceCondition(spec.service, original.condition)),
});
