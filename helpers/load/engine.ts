// The open-model load engine. Every iteration's start is fixed before the first one runs (schedule.ts);
// a timer starts each on time, whatever the service does. An iteration needs a free virtual user
// (at most maxVUs in flight): when none is free it is dropped and counted (dropped_iterations), never
// queued. Latency counts from the intended start. Each request is tagged with the phase of the fault
// clock when it was sent (the first one of an iteration: at its intended start), each iteration
// (iteration_duration, dropped_iterations) at its intended start; the runner moves the clock.
// Everything is recorded as timestamped events (events.ts): into the engine's own tally, or, for a
// share of a load run elsewhere (`share`, `events`), into a recorder the run replays.
import { randomUUID } from "node:crypto";
import { Agent, type Dispatcher } from "undici";
import { HarnessError } from "../core/errors.ts";
import type { OrderRef } from "../target/journey.ts";
import type { LoadFlow, LoadSession } from "../target/load-flow.ts";
import { LoadTally, type LoadEvents } from "./events.ts";
import type { LoadMetrics, Trend } from "./metrics.ts";
import { arrivalOffsets, scheduleLength, type ArrivalRate } from "./schedule.ts";
import { HttpSession, now } from "./session.ts";
import type { Threshold, ThresholdResult } from "./thresholds.ts";

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
  /** This engine runs share `index` of `of`: iterations i with i mod of = index (numbered as in the whole load). */
  share?: { index: number; of: number };
  /** Where events go instead of the engine's own tally (a share run away from the run). */
  events?: LoadEvents;
  /** The load's id (default: a fresh one). */
  runId?: string;
}

export const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** Refuses a base URL that is not loopback unless the game day runs against a cluster. */
export function assertLoadHost(baseUrl: string, allowRemote: boolean | undefined): void {
  const host = new URL(baseUrl).hostname;
  if (!allowRemote && !LOOPBACK.has(host)) {
    throw new HarnessError(`load refuses to send traffic to ${host}: only loopback addresses unless the game day runs against a cluster (--platform kubernetes)`);
  }
}

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

/** A running load as the game day drives it: one engine, or shares of one schedule run elsewhere. */
export interface LoadRun {
  readonly planned: number;
  readonly reachedSoFar: number;
  readonly lengthMs: number;
  /** When the first iteration is (or was) due, ms since epoch; 0 before start(). */
  readonly t0: number;
  readonly metrics: LoadMetrics;
  /** How long after an event the run may still be without it (shares run elsewhere report in batches). */
  readonly reportLagMs: number;
  start(): Promise<void>;
  setPhase(name: string, at?: number): void;
  stop(): void;
  done(): Promise<LoadOutcome>;
  /** Ends whatever still runs (processes, pods), on every path; safe to call twice. */
  close(): Promise<void>;
  intervalMs(): number;
}

export class LoadEngine implements LoadRun {
  readonly runId: string;
  readonly reportLagMs = 0;
  readonly tally: LoadTally;
  private readonly events: LoadEvents;
  /** Intended start of each of this engine's iterations (ms from t0), and its number in the whole load. */
  private readonly offsets: Float64Array;
  private readonly numbers: Uint32Array;
  private readonly free: number[];
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private inFlight = 0;
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private abortTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private startedAt = 0;
  private aborted: ThresholdResult | undefined;
  private finish: (() => void) | undefined;
  private readonly finished: Promise<void>;
  private scheduleDone = false;
  private readonly interval: number;

  constructor(private readonly options: LoadEngineOptions) {
    assertLoadHost(options.baseUrl, options.allowRemote);
    this.runId = options.runId ?? randomUUID().slice(0, 8);
    const all = arrivalOffsets(options.executor);
    this.interval = intervalOf(options.executor, all.length);
    const { index, of } = options.share ?? { index: 0, of: 1 };
    const count = index < all.length ? Math.ceil((all.length - index) / of) : 0;
    this.offsets = new Float64Array(count);
    this.numbers = new Uint32Array(count);
    for (let k = 0; k < count; k++) {
      this.offsets[k] = all[index + k * of] as number;
      this.numbers[k] = index + k * of + 1;
    }
    this.tally = new LoadTally(options.initialPhase ?? "before", now(), options.onOrders);
    this.events = options.events ?? this.tally;
    this.free = Array.from({ length: options.maxVUs }, (_, i) => options.maxVUs - 1 - i);
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? new Agent({ connections: options.maxVUs, pipelining: 1, keepAliveTimeout: 10_000 });
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  get metrics(): LoadMetrics {
    return this.tally.metrics;
  }

  /** Iterations the schedule holds (this engine's share of them). */
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

  get t0(): number {
    return this.startedAt;
  }

  /** Moves the fault clock: iterations intended from `at` on carry this phase. */
  setPhase(name: string, at: number = now()): void {
    this.tally.setPhase(name, at);
  }

  phaseAt(at: number): string {
    return this.tally.phaseAt(at);
  }

  phaseOfRequest(sentAt: number, endedAt: number): string {
    return this.tally.phaseOfRequest(sentAt, endedAt);
  }

  /** Runs the flow's setup, then starts the schedule. Resolves once the first arrival is scheduled. */
  async start(): Promise<void> {
    await this.prepare();
    this.begin(now() + (this.options.leadMs ?? 20));
  }

  /** Runs the flow's setup (unmeasured). */
  async prepare(): Promise<void> {
    const { flow } = this.options;
    if (flow.setup) {
      await flow.setup({
        vus: this.options.maxVUs,
        runId: this.runId,
        session: (vu) => this.session(vu, 0, now(), () => undefined, () => undefined),
      });
    }
  }

  /** Starts the schedule with its first arrival due at `t0` (ms since epoch): shares of one load begin at the same instant. */
  begin(t0: number): void {
    this.startedAt = t0;
    this.tally.restart(t0);
    this.tick();
    if (this.options.thresholds?.some((t) => t.abortOnFail)) this.abortTimer = setInterval(() => this.evaluateAbort(), 1_000);
  }

  /** Stops scheduling; iterations in flight finish (bounded by their timeouts). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.endSchedule();
  }

  /** Everything runs in this process: stopping is enough; iterations in flight end by their timeouts. */
  close(): Promise<void> {
    this.stop();
    return Promise.resolve();
  }

  /** Resolves when the schedule is over (or stopped) and no iteration is in flight. */
  async done(): Promise<LoadOutcome> {
    await this.finished;
    if (this.abortTimer) clearInterval(this.abortTimer);
    if (this.ownsDispatcher) await this.dispatcher.close();
    const t = this.tally;
    return {
      metrics: t.metrics,
      orders: t.orders,
      lateness: t.lateness,
      startedAt: this.startedAt,
      endedAt: now(),
      errors: t.errors,
      firstErrors: t.firstErrors,
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
      this.dispatch(this.numbers[this.next] as number, this.startedAt + (this.offsets[this.next] as number), t);
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

  private dispatch(iteration: number, intended: number, actual: number): void {
    const vu = this.free.pop();
    this.events.arrival(intended, Math.max(0, actual - intended), vu === undefined);
    if (vu === undefined) return;
    this.inFlight++;
    // A request (and a check) carries the phase of the moment it counts from: an iteration that starts
    // before the fault and places its order once the fault is in place has that order in inject or during.
    const session = this.session(
      vu,
      iteration,
      intended,
      (r) => this.events.request(r.at, r.ms, r.failed),
      (ok) => this.events.check(now(), ok),
    );
    void this.iterate(session, intended).finally(() => {
      this.free.push(vu);
      this.inFlight--;
      if (this.scheduleDone && this.inFlight === 0) this.finish?.();
    });
  }

  private async iterate(session: LoadSession, intended: number): Promise<void> {
    try {
      const result = await this.options.flow.iteration(session);
      if (result?.orders && result.orders.length > 0) this.events.placed(result.orders);
    } catch (error) {
      this.events.flowError(error instanceof Error ? error.message : String(error));
    } finally {
      this.events.iteration(intended, now() - intended);
    }
  }

  private evaluateAbort(): void {
    if (this.aborted || this.stopped) return;
    const result = this.tally.failingAbort(this.options.thresholds ?? [], now() - this.startedAt, this.intervalMs());
    if (result === undefined) return;
    this.aborted = result;
    this.stop();
    this.options.onAbort?.(result);
  }

  /** The mean schedule interval (ms) of the whole load, the shortest window a counter's rate is taken over. */
  intervalMs(): number {
    return this.interval;
  }
}

/** The mean interval between a whole schedule's `count` arrivals (ms). */
export const intervalOf = (executor: ArrivalRate, count: number): number => (count === 0 ? 1_000 : Math.max(1, scheduleLength(executor) / count));
