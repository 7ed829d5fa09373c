// Evidence of shipping: what a run can read of the shipments its orders led to, strongest first.
//   identities       the shipments by id (an extension some builds have): which order is missing or shipped twice
//   log lines        the consumer's one line per task handled, since the scenario started: counts only
//   broker counters  the queue's published / delivered / acknowledged / redelivered since the run chose: counts only
// The target declares which it can give (helpers/target/shipping-evidence.ts); the run checks them
// on its platform once, before any order is placed (the counters need a baseline), and keeps the
// first that answers. Reports name the one a verdict rested on.
import { describeError, HarnessError } from "../core/errors.ts";
import { formatMs, sleep } from "../core/time.ts";
import { QueueStatisticsPending, type QueueCounters, type QueueInspector } from "../broker/queue-inspector.ts";
import type { Platform } from "../platforms/platform.ts";
import type { ShipmentRef } from "../target/journey.ts";
import { EvidenceUnavailable, type ShippingEvidenceDeclaration } from "../target/shipping-evidence.ts";

export { EvidenceUnavailable, type ShippingEvidenceDeclaration } from "../target/shipping-evidence.ts";

export type EvidenceKind = "identities" | "log-lines" | "broker-counters";

/** What one read of the evidence saw. */
export type ShipmentsSeen =
  | { kind: "identities"; shipments: readonly ShipmentRef[] }
  | {
      kind: "log-lines" | "broker-counters";
      /** Tasks handled: lines logged, or messages acknowledged. */
      shipped: number;
      /** Deliveries of a message delivered before (broker counters only): a task handled twice shows here, not in the acks. */
      redelivered?: number;
      /** The numbers behind `shipped`, for reports. */
      detail: string;
    };

export interface EvidenceCheck {
  kind: EvidenceKind;
  /** "queue-master log lines (counts only)". */
  description: string;
  outcome: "chosen" | "unavailable" | "not needed";
  /** Why it is unavailable, or what it showed when checked. */
  note: string;
}

export interface ShippingEvidenceOptions {
  platform: Pick<Platform, "endpoint" | "logs">;
  queues: Pick<QueueInspector, "counters">;
  /** Log lines count from this moment on (the scenario's start). */
  since: () => number;
  /** How long the broker counters may take to give a baseline (appear, then stay unchanged). Default 30 s. */
  statisticsWithinMs?: number;
  /** How long the counters must stay unchanged to be a baseline: longer than the broker's statistics period. Default 6 s. */
  quietMs?: number;
}

interface Source {
  readonly kind: EvidenceKind;
  readonly description: string;
  /** Rejects when the evidence is not available here, saying why; resolves with what it showed. */
  prepare(): Promise<string>;
  read(): Promise<ShipmentsSeen>;
}

/** The run's evidence of shipping: `choose()` once before the orders, then `read()` as often as needed. */
export class ShippingEvidence {
  private readonly sources: Source[];
  private checks: EvidenceCheck[] | undefined;
  private chosen: Source | undefined;

  constructor(declaration: ShippingEvidenceDeclaration, options: ShippingEvidenceOptions) {
    this.sources = [
      ...(declaration.identities ? [identities(declaration.identities, options)] : []),
      ...(declaration.logLine ? [logLines(declaration.logLine, options)] : []),
      ...(declaration.queue !== undefined ? [brokerCounters(declaration.queue, options)] : []),
    ];
  }

  /**
   * Checks the declared kinds, strongest first, and keeps the first that answers; the weaker ones
   * are not checked. Throws HarnessError, naming each kind and why, when none answers.
   */
  async choose(): Promise<EvidenceCheck[]> {
    const checks: EvidenceCheck[] = [];
    this.chosen = undefined;
    for (const source of this.sources) {
      if (this.chosen) {
        checks.push({ kind: source.kind, description: source.description, outcome: "not needed", note: "stronger evidence is available" });
        continue;
      }
      try {
        const note = await source.prepare();
        this.chosen = source;
        checks.push({ kind: source.kind, description: source.description, outcome: "chosen", note });
      } catch (error) {
        checks.push({ kind: source.kind, description: source.description, outcome: "unavailable", note: describeError(error) });
      }
    }
    this.checks = checks;
    if (!this.chosen) {
      const why = checks.map((c) => `${c.description}: ${c.note}`).join("; ");
      throw new HarnessError(`no evidence of shipping is available on this target and platform, so orders cannot be reconciled (${why || "the target declares none"})`);
    }
    return checks;
  }

  /** "evidence: queue-master log lines (counts only)" once chosen; undefined before. */
  describe(): string | undefined {
    return this.chosen ? `evidence: ${this.chosen.description}` : undefined;
  }

  /** The checks of `choose()`, one line each, for reports. */
  report(): string {
    if (!this.checks) return "evidence of shipping not chosen yet";
    return this.checks.map((c) => `${c.outcome}: ${c.description}: ${c.note}`).join("\n");
  }

  async read(): Promise<ShipmentsSeen> {
    if (!this.chosen) {
      throw new HarnessError("evidence of shipping was never chosen: choose() must run before the orders are placed (the broker's counters need a baseline)");
    }
    return this.chosen.read();
  }
}

function identities(declared: NonNullable<ShippingEvidenceDeclaration["identities"]>, { platform }: ShippingEvidenceOptions): Source {
  return {
    kind: "identities",
    description: `${declared.source} (identities)`,
    prepare: async () => `${(await declared.read(platform)).length} shipment record(s) so far`,
    read: async () => ({ kind: "identities", shipments: await declared.read(platform) }),
  };
}

function logLines(declared: NonNullable<ShippingEvidenceDeclaration["logLine"]>, { platform, since }: ShippingEvidenceOptions): Source {
  const pattern = new RegExp(declared.pattern);
  const matching = async (): Promise<number> => (await platform.logs(declared.deployment, since())).filter((line) => pattern.test(line.text)).length;
  return {
    kind: "log-lines",
    description: `${declared.deployment} log lines (counts only)`,
    prepare: async () => {
      // A consumer that has run has logged something; none at all means this platform cannot show its logs.
      const ever = await platform.logs(declared.deployment);
      if (ever.length === 0) throw new EvidenceUnavailable(`the platform shows no log line of ${declared.deployment} at all, so its logs are not readable here`);
      return `${ever.length} line(s) of ${declared.deployment} readable; ${await matching()} matching /${declared.pattern}/ since the scenario started`;
    },
    read: async () => {
      const shipped = await matching();
      return { kind: "log-lines", shipped, detail: `${shipped} line(s) of ${declared.deployment} matching /${declared.pattern}/ since the scenario started` };
    },
  };
}

function brokerCounters(queue: string, { queues, statisticsWithinMs = 30_000, quietMs = 6_000 }: ShippingEvidenceOptions): Source {
  let baseline: QueueCounters | undefined;
  const current = async (): Promise<QueueCounters> => {
    const counters = await queues.counters(queue);
    if (!counters) throw new EvidenceUnavailable("the broker's management API is not reachable from this run, so its counters cannot be read");
    return counters;
  };
  return {
    kind: "broker-counters",
    description: `broker counters of queue ${queue} (counts only)`,
    prepare: async () => {
      baseline = await quietCounters(queue, current, statisticsWithinMs, quietMs);
      return `baseline ${formatCounters(baseline)} (unchanged for ${formatMs(quietMs)})`;
    },
    read: async () => {
      const start = baseline;
      if (!start) throw new HarnessError(`the broker counters of queue ${queue} have no baseline: choose() did not prepare them`);
      const now = await current();
      // A re-declared queue (the broker restarted) counts from 0 again: what it counted before is gone.
      const reset = (Object.keys(now) as (keyof QueueCounters)[]).some((k) => now[k] < start[k]);
      const since = reset ? { published: 0, delivered: 0, acknowledged: 0, redelivered: 0 } : start;
      const delta: QueueCounters = {
        published: now.published - since.published,
        delivered: now.delivered - since.delivered,
        acknowledged: now.acknowledged - since.acknowledged,
        redelivered: now.redelivered - since.redelivered,
      };
      const when = reset ? `since queue ${queue} was declared again (its counters restarted from 0 after the baseline)` : "since the run chose its evidence";
      return { kind: "broker-counters", shipped: delta.acknowledged, redelivered: delta.redelivered, detail: `${formatCounters(delta)} ${when}` };
    },
  };
}

/**
 * The queue's counters once they have stayed unchanged for `quietMs`. The management API publishes
 * them every few seconds (about 5 s on RabbitMQ 3.10, whatever collect_statistics_interval says), so
 * a single read may miss the last acknowledgements before it, which would then count as this run's.
 */
async function quietCounters(queue: string, read: () => Promise<QueueCounters>, withinMs: number, quietMs: number): Promise<QueueCounters> {
  const started = Date.now();
  let last: QueueCounters | undefined;
  let unchangedSince = started;
  let pending = "no statistics read yet";
  for (let checks = 1; ; checks++) {
    try {
      const counters = await read();
      if (!last || formatCounters(counters) !== formatCounters(last)) {
        last = counters;
        unchangedSince = Date.now();
      } else if (Date.now() - unchangedSince >= quietMs) {
        return counters;
      }
    } catch (error) {
      // Statistics appear seconds after a queue is declared; anything else is an answer.
      if (!(error instanceof QueueStatisticsPending)) throw error;
      pending = error.message;
    }
    if (Date.now() - started >= withinMs) {
      const seen = last ? `they did not stay unchanged for ${formatMs(quietMs)}; last value seen: ${formatCounters(last)}` : `last: ${pending}`;
      throw new EvidenceUnavailable(`no baseline of the counters of queue ${queue} within ${formatMs(withinMs)} (${checks} checks): ${seen}`);
    }
    await sleep(250);
  }
}

const formatCounters = (c: QueueCounters): string =>
  `published ${c.published}, delivered ${c.delivered}, acknowledged ${c.acknowledged}, redelivered ${c.redelivered}`;
