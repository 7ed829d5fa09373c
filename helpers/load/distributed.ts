// `during.load.distributed: { pods: N }`: the schedule shared by the pods of a Kubernetes Indexed Job
// (pod-entry.ts, bundled with the target's flows by bundle.ts) on the official Node image. The run
// records the job (so a crash leaves nothing `gameday restore` cannot remove), starts it, waits until
// every pod's flow setup ran, then gives all of them one start instant. Pods write their events back
// every 2 s; the run reads them every second and replays them into its tally, so phases, summary,
// thresholds and abortOnFail are those of one engine, only later by up to ~3 s. A pod that fails is a
// harness error naming it. close() deletes the Job, its pods, ConfigMaps and RBAC, on every path.
import { gunzipSync } from "node:zlib";
import { HarnessError } from "../core/errors.ts";
import type { IndexedJobHost, IndexedJobRun, JobConfigMap } from "../core/indexed-job.ts";
import { sleep } from "../core/time.ts";
import { bundleLoadPod, LOAD_POD_IMAGE } from "./bundle.ts";
import type { LoadOutcome } from "./engine.ts";
import { replay, type EventBatch } from "./events.ts";
import { EVENTS_KEY, LOAD_PART_LABEL, type PodJobConfig } from "./pod-entry.ts";
import { now } from "./session.ts";
import type { ShareConfig } from "./share.ts";
import { SharedLoadRun, type SharedLoadOptions } from "./shared-run.ts";

const POLL_MS = 1_000;
/** Time between every pod being ready and the first arrival: pods poll for the start every 100 ms. */
const LEAD_MS = 2_000;

export interface DistributedLoadOptions extends SharedLoadOptions {
  host: IndexedJobHost;
  /** The share configuration without the target's address (the pods' own is asked of the host). */
  base: Omit<ShareConfig, "share" | "maxVUs" | "runId" | "baseUrl">;
  /** The service the flows' paths are relative to. */
  service: string;
  maxVUs: number;
  pods: number;
  runId: string;
  image?: string;
  /** How long the pods may take to be scheduled, pull the image and run the flow's setup. */
  readyWithinMs?: number;
  /** Records the job in the ledger before anything is created; returns what marks it removed. */
  record: (job: string) => (note: string) => void;
  onFailure?: (error: HarnessError) => void;
  log?: (line: string) => void;
}

interface PodProgress {
  /** The next events ConfigMap to replay, and the parts of a batch split over several. */
  next: number;
  pending: Buffer[];
}

export class DistributedLoad extends SharedLoadRun {
  /** Pods write back every 2 s, read every second. */
  readonly reportLagMs = 6_000;
  readonly jobName: string;
  private job: IndexedJobRun | undefined;
  private removed: ((note: string) => void) | undefined;
  private readonly progress: PodProgress[];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();
  private failure: HarnessError | undefined;
  private finish: (() => void) | undefined;
  private readonly finished: Promise<void>;
  private closed: Promise<void> | undefined;

  constructor(private readonly options: DistributedLoadOptions) {
    super(options.base.executor, options);
    this.jobName = `gameday-load-${options.runId}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40);
    this.progress = Array.from({ length: options.pods }, () => ({ next: 0, pending: [] }));
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }


  /** Bundles the pods' script, records and starts the Job, waits for every pod's setup, then starts all at one instant. */
  async start(): Promise<void> {
    const { options } = this;
    const script = await bundleLoadPod(options.base.catalogue);
    const baseUrl = await options.host.podEndpoint(options.service);
    const readyWithin = options.readyWithinMs ?? 180_000;
    this.removed = options.record(this.jobName);
    try {
      this.job = await options.host.startIndexedJob({
        name: this.jobName,
        pods: options.pods,
        image: options.image ?? LOAD_POD_IMAGE,
        script,
        deadlineSeconds: Math.ceil((readyWithin + LEAD_MS + this.length + options.base.timeoutMs) / 1_000) + 60,
        env: (job) => {
          const config: PodJobConfig = {
            base: { ...options.base, baseUrl },
            maxVUs: options.maxVUs,
            pods: options.pods,
            runId: options.runId,
            namespace: job.namespace,
            resultPrefix: `${job.name}-result-`,
            startConfigMap: `${job.name}-start`,
            labels: job.labels,
            startWithinMs: readyWithin,
          };
          return { GAMEDAY_LOAD_JOB: JSON.stringify(config) };
        },
      });
      options.log?.(`load: Job ${this.job.namespace}/${this.jobName} started (${options.pods} pods, ${options.image ?? LOAD_POD_IMAGE})`);
      await this.untilReady(readyWithin);
      this.startedAt = now() + LEAD_MS;
      await this.job.createConfigMap(`${this.jobName}-start`, { at: String(this.startedAt) });
    } catch (error) {
      await this.close();
      throw error;
    }
    this.tally.restart(this.startedAt);
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, POLL_MS);
  }

  /** Ends the load early: the Job goes (its pods with it); what they wrote back so far counts. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.job) this.polling = this.polling.then(() => this.poll()).finally(() => this.finish?.());
    else this.finish?.();
  }

  async done(): Promise<LoadOutcome> {
    await this.finished;
    await this.polling;
    if (this.timer) clearInterval(this.timer);
    if (this.job && !this.failure && !this.stopped) await this.untilComplete(this.job);
    await this.close();
    if (this.failure) throw this.failure;
    return this.outcome();
  }

  /** Deletes the Job, its pods, ConfigMaps and RBAC, and marks the ledger entry reverted; idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.finish?.();
      if (this.job) {
        await this.job.remove();
        this.options.log?.(`load: Job ${this.job.namespace}/${this.jobName} and everything it created removed`);
      }
      this.removed?.(`removed Job ${this.jobName}, its pods, ConfigMaps, ServiceAccount, Role and RoleBinding`);
    })();
    return this.closed;
  }

  /** Every pod wrote its last events; give the Job controller a moment to see the pods end (bounded). */
  private async untilComplete(job: IndexedJobRun): Promise<void> {
    const deadline = now() + 15_000;
    let status = await job.status();
    while (status === "running" && now() < deadline) {
      await sleep(250);
      status = await job.status();
    }
    this.options.log?.(`load: Job ${job.namespace}/${this.jobName} ${status === "running" ? "still running 15 s after every pod reported (removed anyway)" : status}`);
  }

  private async untilReady(withinMs: number): Promise<void> {
    const job = this.job as IndexedJobRun;
    const deadline = now() + withinMs;
    for (;;) {
      const states = await job.configMaps({ [LOAD_PART_LABEL]: "state" });
      this.assertNoFailure(states, await job.failedPods());
      const ready = states.filter((s) => s.data.state === "ready").length;
      if (ready === this.options.pods) return;
      if (now() > deadline) {
        throw new HarnessError(`load Job ${job.namespace}/${this.jobName}: ${ready} of ${this.options.pods} pods ready within ${withinMs / 1_000} s (a pod is ready once its flow's setup ran; is image ${this.options.image ?? LOAD_POD_IMAGE} pullable, and ${this.options.service} reachable from the namespace?)`);
      }
      await sleep(250);
    }
  }

  private assertNoFailure(states: readonly JobConfigMap[], failedPods: readonly string[]): void {
    const failed = states.find((s) => s.data.state === "failed");
    if (failed) throw new HarnessError(`load pod ${failed.name.slice(`${this.jobName}-result-`.length)} of Job ${this.jobName} failed: ${failed.data.message ?? "no reason given"}`);
    if (failedPods.length > 0) throw new HarnessError(`load Job ${this.jobName}: ${failedPods.join("; ")}; the load's figures are incomplete`);
  }

  /** Replays every events ConfigMap not seen yet, in each pod's order; finishes once every pod is done. */
  private async poll(): Promise<void> {
    const job = this.job;
    if (!job || this.failure) return;
    try {
      const [events, states] = await Promise.all([job.configMaps({ [LOAD_PART_LABEL]: "events" }), job.configMaps({ [LOAD_PART_LABEL]: "state" })]);
      const byName = new Map(events.map((e) => [e.name, e]));
      this.progress.forEach((pod, index) => {
        for (;;) {
          const part = byName.get(`${this.jobName}-result-${index}-${pod.next}`);
          if (!part) return;
          pod.next++;
          pod.pending.push(part.binaryData[EVENTS_KEY] ?? Buffer.alloc(0));
          if (part.data.complete !== "true") continue;
          const batch = JSON.parse(gunzipSync(Buffer.concat(pod.pending)).toString("utf8")) as EventBatch;
          pod.pending = [];
          replay(batch, this.tally);
        }
      });
      this.evaluateAbort();
      if (!this.stopped) this.assertNoFailure(states, await job.failedPods());
      const done = this.progress.every((pod, index) => {
        const state = states.find((s) => s.name === `${this.jobName}-result-${index}`);
        return state?.data.state === "done" && Number(state.data.chunks) === pod.next;
      });
      if (done) this.finish?.();
    } catch (error) {
      this.failure = error instanceof HarnessError ? error : new HarnessError(`reading the results of load Job ${this.jobName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      this.options.onFailure?.(this.failure);
      this.finish?.();
    }
  }
}
