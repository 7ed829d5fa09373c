// http-error: callers of a service get HTTP <status> on a fraction `rate` of their requests, as a
// failing dependency or a misbehaving sidecar would answer. Reverting restores the recorded condition.
import { that } from "../invariants/temporal.ts";
import type { Platform } from "../platforms/platform.ts";
import type { Probe } from "../probes/probe.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface HttpErrorSpec {
  service: string;
  status?: number;
  /** Fraction of requests answered with the status, in (0, 1]. */
  rate?: number;
  proofTimeoutMs?: number;
}

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

export function httpError(spec: HttpErrorSpec): Fault {
  const status = spec.status ?? 503;
  const rate = spec.rate ?? 1;
  const title = `answer HTTP ${status} to ${Math.round(rate * 100)}% of requests to ${spec.service}`;
  return {
    kind: "http-error",
    requires: "service-conditions",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.serviceCondition(spec.service);
      const original = { service: spec.service, condition: before };
      const record = faultRecord({ platform, ledger, runId }, "http-error", title, original);
      const restore = async (): Promise<void> => {
        await platform.setServiceCondition(spec.service, before);
      };
      const { injection } = await recordThenMutate(
        ledger,
        record,
        () => platform.setServiceCondition(spec.service, { mode: "http-error", status, rate }),
        restore,
      );
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const probe = answersProbe(platform, spec.service, Math.min(50, Math.ceil(5 / rate)));
          const seen = await proveWithin(title, probe, that<Answers>(`at least one answered ${status}`, (a) => (a.statuses[status] ?? 0) > 0), spec.proofTimeoutMs ?? 10_000);
          return `${seen.sent} requests to ${spec.service}: ${seen.statuses[status] ?? 0} answered ${status} (statuses ${JSON.stringify(seen.statuses)})`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
