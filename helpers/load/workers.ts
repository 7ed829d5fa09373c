// `during.load.workers: N`: one schedule shared by N child processes (share.ts: iteration i to worker
// i mod N). Each runs its flow's setup, then all begin at the same absolute instant; each streams its
// events (every 200 ms) and the run replays them into one tally, so phases come from the game day's
// own clock and the summary, the thresholds and abortOnFail are exactly those of one engine. A worker
// that dies before its share is done is a harness error naming it; stop(), the end of the schedule
// and close() end every worker, and a worker whose parent goes away ends itself.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { HarnessError } from "../core/errors.ts";
import type { LoadOutcome } from "./engine.ts";
import { replay, type EventBatch } from "./events.ts";
import { now } from "./session.ts";
import type { ShareConfig } from "./share.ts";
import { SharedLoadRun, type SharedLoadOptions } from "./shared-run.ts";

export type ToWorker = { type: "init"; config: ShareConfig } | { type: "start"; at: number } | { type: "stop" };
export type FromWorker =
  | { type: "ready"; planned: number }
  | { type: "events"; batch: EventBatch }
  | { type: "done"; reached: number; planned: number }
  | { type: "failed"; message: string };

const ENTRY = fileURLToPath(new URL("./worker-entry.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");
/** How long a worker may take to start and run its flow's setup. */
const READY_WITHIN_MS = 60_000;
/** After stop, how long a worker may take to finish its iterations in flight beyond their timeout. */
const STOP_GRACE_MS = 5_000;

export interface LoadWorkersOptions extends SharedLoadOptions {
  /** One configuration per worker (shareConfigs). */
  shares: ShareConfig[];
  /** Called once when a worker dies or fails: the load cannot give a whole answer any more. */
  onFailure?: (error: HarnessError) => void;
  /** Every batch as it arrives, with the worker's index (tests). */
  onBatch?: (worker: number, batch: EventBatch) => void;
  /** Delay between all workers being ready and the first arrival (default 200 ms). */
  leadMs?: number;
}

interface Worker {
  index: number;
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  done: boolean;
  stderr: string;
}

export class LoadWorkers extends SharedLoadRun {
  /** Workers send their events every 200 ms. */
  readonly reportLagMs = 1_000;
  private readonly workers: Worker[] = [];
  private failure: HarnessError | undefined;
  private abortTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(private readonly options: LoadWorkersOptions) {
    const first = options.shares[0];
    if (!first) throw new HarnessError("a load shared among workers needs at least one worker");
    super(first.executor, options);
  }

  /** The workers' process ids, in share order. */
  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** Forks the workers, runs every setup, then starts all shares at one instant. */
  async start(): Promise<void> {
    for (const config of this.options.shares) this.workers.push(this.fork(config));
    const failed = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => reject(new HarnessError(`load workers were not ready within ${READY_WITHIN_MS / 1_000} s (forked, flow setup "${this.options.shares[0]?.flow ?? ""}")`)), READY_WITHIN_MS);
      timer.unref();
      for (const w of this.workers) void w.exited.then(() => reject(this.failure ?? this.died(w, "before it was ready")));
    });
    try {
      await Promise.race([Promise.all(this.workers.map((w) => w.ready)), failed]);
    } catch (error) {
      await this.close();
      throw error;
    }
    this.startedAt = now() + (this.options.leadMs ?? 200);
    this.tally.restart(this.startedAt);
    for (const w of this.workers) this.send(w, { type: "start", at: this.startedAt });
    if (this.options.thresholds?.some((t) => t.abortOnFail)) this.abortTimer = setInterval(() => this.evaluateAbort(), 1_000);
  }

  /** Stops every share's schedule; iterations in flight finish (bounded by their timeouts). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.workers) this.send(w, { type: "stop" });
  }

  /** Resolves when every worker has finished its share and exited; rejects with the first worker that died. */
  async done(): Promise<LoadOutcome> {
    await Promise.all(this.workers.map((w) => w.exited));
    if (this.abortTimer) clearInterval(this.abortTimer);
    if (this.failure) throw this.failure;
    return this.outcome();
  }

  /** Ends every worker still running: asks, then kills after a grace period. Safe to call on every path. */
  async close(graceMs = STOP_GRACE_MS): Promise<void> {
    this.closing = true;
    this.stop();
    if (this.abortTimer) clearInterval(this.abortTimer);
    const all = Promise.all(this.workers.map((w) => w.exited));
    const timer = setTimeout(() => {
      for (const w of this.workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
    }, graceMs);
    await all;
    clearTimeout(timer);
  }

  private fork(config: ShareConfig): Worker {
    const child = fork(ENTRY, [], { execArgv: ["--import", TSX], serialization: "advanced", stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let onReady: () => void = () => undefined;
    const worker: Worker = { index: config.share.index, child, ready: new Promise<void>((resolve) => (onReady = resolve)), exited: Promise.resolve(), done: false, stderr: "" };
    worker.exited = new Promise<void>((resolve) => {
      // "close", not "exit": every message the worker sent has been delivered by then.
      child.once("close", () => {
        if (!worker.done && !this.closing) this.fail(this.died(worker, "before its share was done"));
        resolve();
      });
    });
    child.stderr?.on("data", (chunk: Buffer) => (worker.stderr = (worker.stderr + chunk.toString()).slice(-2_000)));
    child.on("message", (message: FromWorker) => {
      switch (message.type) {
        case "ready":
          onReady();
          return;
        case "events":
          replay(message.batch, this.tally);
          this.options.onBatch?.(worker.index, message.batch);
          return;
        case "done":
          worker.done = true;
          return;
        case "failed":
          this.fail(new HarnessError(`${this.name(worker)} failed: ${message.message}`));
          return;
      }
    });
    this.send(worker, { type: "init", config });
    return worker;
  }

  private name(w: Worker): string {
    return `load worker ${w.index + 1} of ${this.options.shares.length} (pid ${w.child.pid ?? "?"})`;
  }

  private died(w: Worker, when: string): HarnessError {
    const how = w.child.signalCode ? `was killed by ${w.child.signalCode}` : `exited with code ${w.child.exitCode ?? "?"}`;
    const err = w.stderr.trim().split("\n").slice(-3).join(" | ");
    return new HarnessError(`${this.name(w)} ${how} ${when}: the load's figures are incomplete${err ? ` (its last output: ${err})` : ""}`);
  }

  private fail(error: HarnessError): void {
    if (this.failure) return;
    this.failure = error;
    void this.close();
    this.options.onFailure?.(error);
  }

  private send(w: Worker, message: ToWorker): void {
    if (w.child.connected) w.child.send(message);
  }
}
