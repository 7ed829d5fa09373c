// The open-model load engine. Every iteration's start is fixed before the first one runs (schedule.ts);
// a timer starts each on time, whatever the service does. An iteration needs a free virtual user
// (at most maxVUs in flight): when none is free it is dropped and counted (dropped_iterations), never
// queued. Latency counts from the intended start. Each request is tagged with the phase of the fault
// clock when it was sent (the first one of an iteration: at its intended start), each iteration
// (iteration_duration, dropped_iterations) at its intended start; the runner moves the clock.
import { randomUUID } from "node:crypto";
import { Agent, type Dispatcher } from "undici";
import { HarnessError } from "../core/errors.ts";
import type { OrderRef } from "../target/journey.ts";
import type { LoadFlow, LoadSession } from "../target/load-flow.ts";
import { LoadMetrics, Trend } from "./metrics.ts";
import { arrivalOffsets, scheduleLength, type ArrivalRate } from "./schedule.ts";
import { HttpSession, now } from "./session.ts";
import { judge, type Threshold, type ThresholdResult } from "./thresholds.ts";

export interface LoadEngineOptions {
  flow: LoadFlow;
  /** Where the flow's paths are resolved. */
  baseUrl: string;
  executor: ArrivalRate;
  /** Iterations in flight at most (k6's maxVUs). */
  maxVUs: number;
  /** Per request. */
  timeoutMs: number;
  /** The phase iterations start in until the clock moves (default "before"). */
  initialPhase?: string;
  /** Thresholds with abortOnFail are evaluated every second while the load runs. */
  thresholds?: readonly Threshold[];
  /** Called once, when an abortOnFail threshold fails; the engine has already stopped scheduling. */
  onAbort?: (result: ThresholdResult) => void;
  /** Orders iterations placed, as they come. */
  onOrders?: (orders: readonly OrderRef[]) => void;
  /** Only loopback hosts unless the user pointed the game day at a cluster. */
  allowRemote?: boolean;
  dispatcher?: Dispatcher;
  /** Delay between the call to start() and the first arrival (the flow's setup runs before it). */
  leadMs?: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export interface LoadOutcome {
  metrics: LoadMetrics;
  orders: OrderRef[];
  /** Intended vs actual start of each iteration, dropped or not (ms). */
  lateness: Trend;
  startedAt: number;
  endedAt: number;
  /** Iterations whose flow threw (a bug of the flow or an answer it could not read). */
  errors: number;
  firstErrors: string[];
  aborted?: ThresholdResult | undefined;
  /** Iterations the schedule held and the ones it reached (fewer when stopped early). */
  planned: number;
  reached: number;
}

export class LoadEngine {
  readonly runId = randomUUID().slice(0, 8);
  readonly orders: OrderRef[] = [];
  readonly lateness = new Trend();
  metrics: LoadMetrics = new LoadMetrics(now());
  private readonly offsets: Float64Array;
  private readonly phases: { at: number; name: string }[];
  private readonly free: number[];
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private inFlight = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private abortTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private startedAt = 0;
  private errors = 0;
  private readonly firstErrors: string[] = [];
  private aborted: ThresholdResult | undefined;
  private finish: (() => void) | undefined;
  private readonly finished: Promise<void>;
  private scheduleDone = false;

  constructor(private readonly options: LoadEngineOptions) {
    const host = new URL(options.baseUrl).hostname;
    if (!options.allowRemote && !LOOPBACK.has(host)) {
      throw new HarnessError(`load refuses to send traffic to ${host}: only loopback addresses unless the game day runs against a cluster (--platform kubernetes)`);
    }
    this.offsets = arrivalOffsets(options.executor);
    this.phases = [{ at: Number.NEGATIVE_INFINITY, name: options.initialPhase ?? "before" }];
    this.free = Array.from({ length: options.maxVUs }, (_, i) => options.maxVUs - 1 - i);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ connections: options.maxVUs, pipelining: 1, keepAliveTimeout: 10_000 });
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  /** Iterations the schedule holds. */
  get planned(): number {
    return this.offsets.length;
  }

  /** Iterations started or dropped so far. */
  get reachedSoFar(): number {
    return this.next;
  }

  /** The schedule's length in ms. */
  get lengthMs(): number {
    return scheduleLength(this.options.executor);
  }

  /** When the first iteration is (or was) due, ms since epoch; 0 before start(). */
  get t0(): number {
    return this.startedAt;
  }

  /** Moves the fault clock: iterations intended from `at` on carry this phase. */
  setPhase(name: string, at: number = now()): void {
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

  /** Runs the flow's setup, then starts the schedule. Resolves once the first arrival is scheduled. */
  async start(): Promise<void> {
    const { flow } = this.options;
    if (flow.setup) {
      await flow.setup({
        vus: this.options.maxVUs,
        runId: this.runId,
        session: (vu) => this.session(vu, 0, now(), () => undefined, () => undefined),
      });
    }
    this.startedAt = now() + (this.options.leadMs ?? 20);
    this.metrics = new LoadMetrics(this.startedAt);
    this.tick();
    if (this.options.thresholds?.some((t) => t.abortOnFail)) this.abortTimer = setInterval(() => this.evaluateAbort(), 1_000);
  }

  /** Stops scheduling; iterations in flight finish (bounded by their timeouts). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.endSchedule();
  }

  /** Resolves when the schedule is over (or stopped) and no iteration is in flight. */
  async done(): Promise<LoadOutcome> {
    await this.finished;
    if (this.abortTimer) clearInterval(this.abortTimer);
    if (this.ownsDispatcher) await this.dispatcher.close();
    return {
      metrics: this.metrics,
      orders: this.orders,
      lateness: this.lateness,
      startedAt: this.startedAt,
      endedAt: now(),
      errors: this.errors,
      firstErrors: this.firstErrors,
      aborted: this.aborted,
      planned: this.offsets.length,
      reached: this.next,
    };
  }

  private session(vu: number, iteration: number, intendedStart: number, record: (r: { at: number; ms: number; failed: boolean }) => void, check: (ok: boolean) => void): LoadSession {
    return new HttpSession({ baseUrl: this.options.baseUrl, dispatcher: this.dispatcher, timeoutMs: this.options.timeoutMs, vu, iteration, runId: this.runId, intendedStart, record, check });
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const t = now();
    while (this.next < this.offsets.length && this.startedAt + (this.offsets[this.next] as number) <= t) {
      this.dispatch(this.next, this.startedAt + (this.offsets[this.next] as number), t);
      this.next++;
    }
    if (this.next >= this.offsets.length) {
      this.endSchedule();
      return;
    }
    const wait = this.startedAt + (this.offsets[this.next] as number) - now();
    this.timer = setTimeout(() => this.tick(), Math.max(0, Math.floor(wait)));
  }

  private endSchedule(): void {
    if (this.scheduleDone) return;
    this.scheduleDone = true;
    if (this.inFlight === 0) this.finish?.();
  }

  private dispatch(index: number, intended: number, actual: number): void {
    const phase = this.phaseAt(intended);
    this.metrics.scheduled(phase, intended);
    this.lateness.add(Math.max(0, actual - intended));
    const vu = this.free.pop();
    if (vu === undefined) {
      this.metrics.phase(phase).dropped_iterations++;
      return;
    }
    this.inFlight++;
    // A request (and a check) carries the phase of the moment it counts from: an iteration that starts
    // before the fault and places its order once the fault is in place has that order in inject or during.
    const session = this.session(
      vu,
      index + 1,
      intended,
      (r) => this.metrics.request(this.phaseOfRequest(r.at, r.at + r.ms), r.at, r.ms, r.failed),
      (ok) => this.metrics.phase(this.phaseAt(now())).checks.add(ok),
    );
    void this.iterate(session, intended, phase).finally(() => {
      this.free.push(vu);
      this.inFlight--;
      if (this.scheduleDone && this.inFlight === 0) this.finish?.();
    });
  }

  private async iterate(session: LoadSession, intended: number, phase: string): Promise<void> {
    const metrics = this.metrics.phase(phase);
    try {
      const result = await this.options.flow.iteration(session);
      if (result?.orders && result.orders.length > 0) {
        this.orders.push(...result.orders);
        this.options.onOrders?.(result.orders);
      }
    } catch (error) {
      this.errors++;
      if (this.firstErrors.length < 5) this.firstErrors.push(error instanceof Error ? error.message : String(error));
    } finally {
      metrics.iterations++;
      metrics.iteration_duration.add(now() - intended);
    }
  }

  private evaluateAbort(): void {
    if (this.aborted || this.stopped) return;
    const elapsed = now() - this.startedAt;
    const all = this.metrics.total();
    for (const threshold of this.options.thresholds ?? []) {
      if (!threshold.abortOnFail || elapsed < threshold.delayAbortEvalMs) continue;
      const phase = threshold.phase === undefined ? all : this.metrics.phases.get(threshold.phase);
      if (phase === undefined || phase.scheduled === 0) continue; // not reached yet: judged at the end
      const result = judge(threshold, this.metrics.phases, all, this.intervalMs());
      if (result.value === undefined || result.passed) continue;
      this.aborted = result;
      this.stop();
      this.options.onAbort?.(result);
      return;
    }
  }

  /** The mean schedule interval (ms), the shortest window a counter's rate is taken over. */
  intervalMs(): number {
    return this.offsets.length === 0 ? 1_000 : Math.max(1, this.lengthMs / this.offsets.length);
  }
}
