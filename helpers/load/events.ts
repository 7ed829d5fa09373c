// What a load records, as timestamped events, and where they go. The engine reports every arrival,
// request, check and iteration with the instant it counts from; `LoadTally` tags each with the fault
// clock's phase at that instant and keeps k6's metrics. A share of the load running elsewhere (a child
// process, a pod) records into a `BatchRecorder` instead, and the run replays its batches into the
// one tally: the phases come from the run's own clock, and every percentile is taken over the union
// of the raw values, exactly as one engine would (percentiles are never averaged).
import type { OrderRef } from "../target/journey.ts";
import { LoadMetrics, Trend } from "./metrics.ts";
import { judge, type Threshold, type ThresholdResult } from "./thresholds.ts";

/** The engine's sink. Instants are ms since the epoch. */
export interface LoadEvents {
  /** An iteration reached its intended start: started `latenessMs` late, or dropped (no free virtual user). */
  arrival(intended: number, latenessMs: number, dropped: boolean): void;
  request(at: number, ms: number, failed: boolean): void;
  check(at: number, ok: boolean): void;
  /** An iteration ended, `ms` after its intended start. */
  iteration(intended: number, ms: number): void;
  /** An iteration's flow threw. */
  flowError(message: string): void;
  placed(orders: readonly OrderRef[]): void;
}

/** Events in columns (flat number arrays), as a share of the load sends them to the run. */
export interface EventBatch {
  /** intended, lateness, dropped (0/1) */
  arrivals: number[];
  /** at, ms, failed (0/1) */
  requests: number[];
  /** at, ok (0/1) */
  checks: number[];
  /** intended, ms */
  iterations: number[];
  orders: OrderRef[];
  /** The first few flow errors' messages. */
  errors: string[];
  errorCount: number;
}

const FIRST_ERRORS = 5;

export const emptyBatch = (): EventBatch => ({ arrivals: [], requests: [], checks: [], iterations: [], orders: [], errors: [], errorCount: 0 });

/** Collects events until drained: the sink of a load's share that runs away from the run. */
export class BatchRecorder implements LoadEvents {
  private batch = emptyBatch();
  private errorsKept = 0;

  arrival(intended: number, latenessMs: number, dropped: boolean): void {
    this.batch.arrivals.push(intended, latenessMs, dropped ? 1 : 0);
  }
  request(at: number, ms: number, failed: boolean): void {
    this.batch.requests.push(at, ms, failed ? 1 : 0);
  }
  check(at: number, ok: boolean): void {
    this.batch.checks.push(at, ok ? 1 : 0);
  }
  iteration(intended: number, ms: number): void {
    this.batch.iterations.push(intended, ms);
  }
  flowError(message: string): void {
    this.batch.errorCount++;
    if (this.errorsKept < FIRST_ERRORS) {
      this.errorsKept++;
      this.batch.errors.push(message);
    }
  }
  placed(orders: readonly OrderRef[]): void {
    this.batch.orders.push(...orders);
  }

  get empty(): boolean {
    const b = this.batch;
    return b.arrivals.length + b.requests.length + b.checks.length + b.iterations.length + b.orders.length + b.errorCount === 0;
  }

  /** The events since the last drain. */
  drain(): EventBatch {
    const out = this.batch;
    this.batch = emptyBatch();
    return out;
  }
}

/** Feeds a batch's events to a sink, in the order they were recorded within each column. */
export function replay(batch: EventBatch, into: LoadEvents): void {
  const { arrivals: a, requests: r, checks: c, iterations: it } = batch;
  for (let i = 0; i + 2 < a.length; i += 3) into.arrival(a[i] as number, a[i + 1] as number, a[i + 2] === 1);
  for (let i = 0; i + 2 < r.length; i += 3) into.request(r[i] as number, r[i + 1] as number, r[i + 2] === 1);
  for (let i = 0; i + 1 < c.length; i += 2) into.check(c[i] as number, c[i + 1] === 1);
  for (let i = 0; i + 1 < it.length; i += 2) into.iteration(it[i] as number, it[i + 1] as number);
  for (const message of batch.errors) into.flowError(message);
  // Errors beyond the first few were counted, not kept.
  for (let i = batch.errors.length; i < batch.errorCount; i++) into.flowError("");
  if (batch.orders.length > 0) into.placed(batch.orders);
}

/** The fault clock's phases as the load sees them, and k6's metrics tagged by them. */
export class LoadTally implements LoadEvents {
  metrics: LoadMetrics;
  readonly lateness = new Trend();
  readonly orders: OrderRef[] = [];
  errors = 0;
  readonly firstErrors: string[] = [];
  /** Arrivals recorded (started or dropped). */
  reached = 0;
  private readonly phases: { at: number; name: string }[];

  constructor(
    initialPhase: string,
    startedAt: number,
    private readonly onOrders?: (orders: readonly OrderRef[]) => void,
  ) {
    this.phases = [{ at: Number.NEGATIVE_INFINITY, name: initialPhase }];
    this.metrics = new LoadMetrics(startedAt);
  }

  /** Starts the metrics afresh, with seconds counted from `startedAt`. */
  restart(startedAt: number): void {
    this.metrics = new LoadMetrics(startedAt);
  }

  /** Moves the fault clock: what counts from `at` on carries this phase. */
  setPhase(name: string, at: number): void {
    this.phases.push({ at, name });
  }

  phaseAt(at: number): string {
    for (let i = this.phases.length - 1; i >= 0; i--) if ((this.phases[i] as { at: number }).at <= at) return (this.phases[i] as { name: string }).name;
    return (this.phases[0] as { name: string }).name;
  }

  /**
   * A request's phase: the phase when it was sent, except that one still in flight when the clock
   * first moved counts in the next phase. The first phase (the steady state before the fault) then
   * holds only what the fault never touched; a request the fault caught as it came counts with it.
   */
  phaseOfRequest(sentAt: number, endedAt: number): string {
    const first = this.phases[0] as { name: string };
    const second = this.phases[1];
    const phase = this.phaseAt(sentAt);
    return phase === first.name && second !== undefined && endedAt >= second.at ? second.name : phase;
  }

  arrival(intended: number, latenessMs: number, dropped: boolean): void {
    const phase = this.phaseAt(intended);
    this.reached++;
    this.metrics.scheduled(phase, intended);
    this.lateness.add(latenessMs);
    if (dropped) this.metrics.phase(phase).dropped_iterations++;
  }
  request(at: number, ms: number, failed: boolean): void {
    this.metrics.request(this.phaseOfRequest(at, at + ms), at, ms, failed);
  }
  check(at: number, ok: boolean): void {
    this.metrics.phase(this.phaseAt(at)).checks.add(ok);
  }
  iteration(intended: number, ms: number): void {
    const m = this.metrics.phase(this.phaseAt(intended));
    m.iterations++;
    m.iteration_duration.add(ms);
  }
  flowError(message: string): void {
    this.errors++;
    if (message !== "" && this.firstErrors.length < FIRST_ERRORS) this.firstErrors.push(message);
  }
  placed(orders: readonly OrderRef[]): void {
    this.orders.push(...orders);
    this.onOrders?.(orders);
  }

  /**
   * The first abortOnFail threshold that fails now, `elapsedMs` into the load; a phase not reached yet
   * is left to the end.
   */
  failingAbort(thresholds: readonly Threshold[], elapsedMs: number, intervalMs: number): ThresholdResult | undefined {
    const all = this.metrics.total();
    for (const threshold of thresholds) {
      if (!threshold.abortOnFail || elapsedMs < threshold.delayAbortEvalMs) continue;
      const phase = threshold.phase === undefined ? all : this.metrics.phases.get(threshold.phase);
      if (phase === undefined || phase.scheduled === 0) continue;
      const result = judge(threshold, this.metrics.phases, all, intervalMs);
      if (result.value !== undefined && !result.passed) return result;
    }
    return undefined;
  }
}
