// A pod of a distributed load (an Indexed Job; bundle.ts makes this file, undici and the target's flow
// catalogue one script). The pod runs share JOB_COMPLETION_INDEX of the schedule and talks to the
// run only through ConfigMaps in its namespace, with its ServiceAccount's token, as in-cluster clients
// do: it reports "ready" once its flow's setup ran, waits for the run's start instant, runs its share
// and writes its events back every few seconds (so the run sees the load as it goes: the check that
// it sends anything, abortOnFail), gzip-compressed, in ConfigMaps under the 1 MiB object limit.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { Agent, request } from "undici";
import type { LoadFlowCatalogue } from "../target/load-flow.ts";
import { BatchRecorder } from "./events.ts";
import { prepareShare, shareConfigs, type ShareConfig } from "./share.ts";

/** What the run gives every pod (env GAMEDAY_LOAD_JOB, JSON); each pod adds its index. */
export interface PodJobConfig {
  /** The share configuration without share, maxVUs and runId (shareConfigs adds them). */
  base: Omit<ShareConfig, "share" | "maxVUs" | "runId">;
  maxVUs: number;
  pods: number;
  runId: string;
  namespace: string;
  /** `${resultPrefix}${index}` holds a pod's state; `${resultPrefix}${index}-${chunk}` its events. */
  resultPrefix: string;
  /** The ConfigMap whose `at` is the start instant (ms since the epoch). */
  startConfigMap: string;
  /** Labels for what the pod creates (the run's, so gameday's sweep finds them). */
  labels: Record<string, string>;
  /** How long a pod waits for the start after it is ready. */
  startWithinMs: number;
}

/** Bytes of compressed events per ConfigMap: base64 makes 4/3 of them, under the 1 MiB object limit. */
export const RESULT_CHUNK_BYTES = 700 * 1024;
/** How often a pod writes its events back. */
export const POD_FLUSH_MS = 2_000;
/** The label telling a pod's state ConfigMap ("state") from its events ("events"). */
export const LOAD_PART_LABEL = "gameday.dev/load-part";
/** The key of the compressed events (JSON EventBatch) in an events ConfigMap. */
export const EVENTS_KEY = "events.json.gz";

interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: string }>;
}

/** The in-cluster API: KUBERNETES_SERVICE_HOST/PORT and the ServiceAccount's files (GAMEDAY_SERVICEACCOUNT_DIR where they are elsewhere). */
function inClusterApi(): Api {
  const dir = process.env.GAMEDAY_SERVICEACCOUNT_DIR ?? "/var/run/secrets/kubernetes.io/serviceaccount";
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) throw new Error("KUBERNETES_SERVICE_HOST is unset: not running in a cluster");
  const base = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const dispatcher = new Agent({ connect: { ca: fs.readFileSync(path.join(dir, "ca.crt")) } });
  return {
    async call(method, url, body) {
      // The token is re-read each time: the kubelet rotates it.
      const token = fs.readFileSync(path.join(dir, "token"), "utf8").trim();
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: "application/json" };
      if (body !== undefined) headers["content-type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
      const answer = await request(`${base}${url}`, { method, headers, dispatcher, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      return { status: answer.statusCode, body: await answer.body.text() };
    },
  };
}

async function upsertConfigMap(api: Api, job: PodJobConfig, name: string, part: "state" | "events", content: { data?: Record<string, string>; binaryData?: Record<string, string> }): Promise<void> {
  const at = `/api/v1/namespaces/${job.namespace}/configmaps`;
  const object = { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: job.namespace, labels: { ...job.labels, [LOAD_PART_LABEL]: part } }, ...content };
  let answer = await api.call("POST", at, object);
  if (answer.status === 409) answer = await api.call("PUT", `${at}/${name}`, object); // a retried pod
  if (answer.status >= 300) throw new Error(`writing ConfigMap ${job.namespace}/${name}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
}

async function waitForStart(api: Api, job: PodJobConfig): Promise<number> {
  const deadline = Date.now() + job.startWithinMs;
  for (;;) {
    const answer = await api.call("GET", `/api/v1/namespaces/${job.namespace}/configmaps/${job.startConfigMap}`);
    if (answer.status === 200) {
      const at = Number((JSON.parse(answer.body) as { data?: { at?: string } }).data?.at);
      if (Number.isFinite(at)) return at;
    } else if (answer.status !== 404) throw new Error(`reading ConfigMap ${job.namespace}/${job.startConfigMap}: HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
    if (Date.now() > deadline) throw new Error(`no start in ConfigMap ${job.namespace}/${job.startConfigMap} within ${job.startWithinMs / 1_000} s of being ready`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs this pod's share; exits 0 when its events are written back, 1 (after saying why, if it can) otherwise. */
export async function runPod(catalogue: LoadFlowCatalogue, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const job = JSON.parse(env.GAMEDAY_LOAD_JOB ?? "null") as PodJobConfig | null;
  const index = Number(env.JOB_COMPLETION_INDEX);
  if (!job || !Number.isInteger(index)) throw new Error("GAMEDAY_LOAD_JOB and JOB_COMPLETION_INDEX must be set (this script runs as a pod of gameday's Indexed Job)");
  const api = inClusterApi();
  const state = `${job.resultPrefix}${index}`;
  try {
    const config = shareConfigs(job.base, job.maxVUs, job.pods, job.runId)[index];
    if (!config) throw new Error(`JOB_COMPLETION_INDEX ${index} is outside the job's ${job.pods} pods`);
    const recorder = new BatchRecorder();
    const engine = await prepareShare(config, recorder, catalogue);
    await upsertConfigMap(api, job, state, "state", { data: { state: "ready" } });
    const at = await waitForStart(api, job);
    engine.begin(at);
    let written = 0;
    // One writer at a time, in order: a batch too large for one ConfigMap is split over several.
    const flush = async (): Promise<void> => {
      if (recorder.empty) return;
      const packed = gzipSync(JSON.stringify(recorder.drain()));
      for (let offset = 0; offset < packed.length; offset += RESULT_CHUNK_BYTES) {
        const part = packed.subarray(offset, offset + RESULT_CHUNK_BYTES);
        const last = offset + RESULT_CHUNK_BYTES >= packed.length;
        await upsertConfigMap(api, job, `${state}-${written}`, "events", { data: { index: String(index), sequence: String(written), complete: last ? "true" : "false" }, binaryData: { [EVENTS_KEY]: part.toString("base64") } });
        written++;
      }
    };
    let flushing = Promise.resolve();
    const timer = setInterval(() => {
      flushing = flushing.then(flush);
    }, POD_FLUSH_MS);
    const outcome = await engine.done();
    clearInterval(timer);
    await flushing;
    await flush();
    await upsertConfigMap(api, job, state, "state", { data: { state: "done", chunks: String(written), reached: String(outcome.reached), planned: String(outcome.planned) } });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await upsertConfigMap(api, job, state, "state", { data: { state: "failed", message: message.slice(0, 2_000) } }).catch(() => undefined);
    throw error;
  }
}
