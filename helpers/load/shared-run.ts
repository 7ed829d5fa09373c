// What a load shared among processes or pods has in common, whatever runs the shares: one schedule
// (its length, count and interval, from the executor), one tally the shares' events are replayed
// into (tagged by the run's own phase clock), the outcome built from it, and abortOnFail judged on it.
import type { LoadOutcome, LoadRun } from "./engine.ts";
import { intervalOf } from "./engine.ts";
import { LoadTally } from "./events.ts";
import type { LoadMetrics } from "./metrics.ts";
import { arrivalOffsets, scheduleLength, type ArrivalRate } from "./schedule.ts";
import { now } from "./session.ts";
import type { OrderRef } from "../target/journey.ts";
import type { Threshold, ThresholdResult } from "./thresholds.ts";

export interface SharedLoadOptions {
  /** The phase the first iterations are tagged with (the fault clock's, when the load starts). */
  initialPhase?: string;
  thresholds?: readonly Threshold[];
  onAbort?: (result: ThresholdResult) => void;
  onOrders?: (orders: readonly OrderRef[]) => void;
}

export abstract class SharedLoadRun implements LoadRun {
  abstract readonly reportLagMs: number;
  readonly tally: LoadTally;
  protected readonly plannedCount: number;
  protected readonly length: number;
  protected readonly interval: number;
  /** When every share starts, ms since epoch; 0 before start(). */
  protected startedAt = 0;
  protected aborted: ThresholdResult | undefined;
  protected stopped = false;

  protected constructor(
    executor: ArrivalRate,
    private readonly shared: SharedLoadOptions,
  ) {
    this.plannedCount = arrivalOffsets(executor).length;
    this.length = scheduleLength(executor);
    this.interval = intervalOf(executor, this.plannedCount);
    this.tally = new LoadTally(shared.initialPhase ?? "before", now(), shared.onOrders);
  }

  get planned(): number {
    return this.plannedCount;
  }
  get reachedSoFar(): number {
    return this.tally.reached;
  }
  get lengthMs(): number {
    return this.length;
  }
  get t0(): number {
    return this.startedAt;
  }
  get metrics(): LoadMetrics {
    return this.tally.metrics;
  }
  intervalMs(): number {
    return this.interval;
  }
  setPhase(name: string, at: number = now()): void {
    this.tally.setPhase(name, at);
  }

  abstract start(): Promise<void>;
  abstract stop(): void;
  abstract done(): Promise<LoadOutcome>;
  abstract close(): Promise<void>;

  /** What the load did, from the tally every share was replayed into. */
  protected outcome(): LoadOutcome {
    const t = this.tally;
    return { metrics: t.metrics, orders: t.orders, lateness: t.lateness, startedAt: this.startedAt, endedAt: now(), errors: t.errors, firstErrors: t.firstErrors, aborted: this.aborted, planned: this.plannedCount, reached: t.reached };
  }

  /** abortOnFail, judged on the merged figures: the first failing threshold stops every share. */
  protected evaluateAbort(): void {
    if (this.aborted || this.stopped) return;
    const result = this.tally.failingAbort(this.shared.thresholds ?? [], now() - this.startedAt, this.interval);
    if (result === undefined) return;
    this.aborted = result;
    this.stop();
    this.shared.onAbort?.(result);
  }
}
