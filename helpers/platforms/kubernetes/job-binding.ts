// The embedded cluster's pods are simulated (kwok), so a Job's pods would never run anything. For a
// pod labelled gameday.dev/local-process (gameday's own Jobs, see kwok-stages.ts) this binding runs
// the container's `node` command as a local process instead, as a kubelet would: the pod's env
// (JOB_COMPLETION_INDEX and other field references resolved from the pod), its ConfigMap volumes
// written to a directory standing in for the mount path, and the in-cluster API: a token requested
// for the pod's ServiceAccount (so its Role is what it may do), the cluster's CA and
// KUBERNETES_SERVICE_HOST/PORT, in a directory named by GAMEDAY_SERVICEACCOUNT_DIR. When the process
// exits the pod's phase becomes Succeeded or Failed (a status patch), so the Job controller completes
// or fails the Job. A pod that goes away kills its process; stop() kills them all.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { V1EnvVar, V1Pod } from "@kubernetes/client-node";
import { describeError } from "../../core/errors.ts";
import { call, mergePatch, type Cluster } from "./cluster.ts";
import { LOCAL_PROCESS_LABEL } from "./kwok-stages.ts";

export interface JobBindingOptions {
  cluster: Cluster;
  namespace: string;
  intervalMs?: number;
  log?: (line: string) => void;
}

interface Running {
  child: ChildProcess;
  dir: string;
  stderr: string;
}

/** A field reference of the downward API, from the pod. */
function fieldOf(pod: V1Pod, fieldPath: string): string | undefined {
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath)?.[1];
  if (annotation !== undefined) return pod.metadata?.annotations?.[annotation];
  const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath)?.[1];
  if (label !== undefined) return pod.metadata?.labels?.[label];
  const fields: Record<string, string | undefined> = {
    "metadata.name": pod.metadata?.name,
    "metadata.namespace": pod.metadata?.namespace,
    "spec.nodeName": pod.spec?.nodeName,
    "spec.serviceAccountName": pod.spec?.serviceAccountName,
  };
  return fields[fieldPath];
}

export class JobBinding implements AsyncDisposable {
  private readonly running = new Map<string, Running>();
  /** Pods whose process ran and ended: never started again. */
  private readonly finished = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private stopped = false;
  lastProblem: string | undefined;

  constructor(private readonly options: JobBindingOptions) {}

  start(): this {
    const tick = (): void => {
      if (this.stopped) return;
      this.syncing = this.sync()
        .catch((error: unknown) => {
          this.lastProblem = describeError(error);
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 200);
        });
    };
    tick();
    return this;
  }

  /** Process ids of the pods running now, by pod name. */
  pids(): Map<string, number> {
    return new Map([...this.running].map(([pod, r]) => [pod, r.child.pid ?? -1]));
  }

  private async sync(): Promise<void> {
    const { cluster, namespace } = this.options;
    const pods = await cluster.core.listNamespacedPod({ namespace, labelSelector: LOCAL_PROCESS_LABEL });
    const live = new Set<string>();
    for (const pod of pods.items) {
      const name = pod.metadata?.name ?? "";
      if (pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null) continue;
      live.add(name);
      if (this.running.has(name) || this.finished.has(name) || !pod.spec?.nodeName) continue;
      if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") continue;
      try {
        await this.run(pod);
      } catch (error) {
        this.finished.add(name);
        this.lastProblem = `pod ${name}: ${describeError(error)}`;
        await this.setPhase(name, 127, `gameday could not run it locally: ${describeError(error)}`).catch(() => undefined);
      }
    }
    for (const [name, r] of this.running) {
      if (live.has(name)) continue;
      this.options.log?.(`job binding: pod ${name} is gone; killing its process ${r.child.pid ?? "?"}`);
      r.child.kill("SIGKILL");
    }
  }

  private async run(pod: V1Pod): Promise<void> {
    const { cluster, namespace } = this.options;
    const name = pod.metadata?.name ?? "";
    const container = pod.spec?.containers[0];
    const command = [...(container?.command ?? []), ...(container?.args ?? [])];
    if (!container || command[0] !== "node") throw new Error(`its container runs ${command[0] ?? "nothing"}; only node commands run locally`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gameday-pod-${name}-`));
    // ConfigMap volumes, each in a directory standing in for its mount path.
    const mounts: [string, string][] = [];
    for (const mount of container.volumeMounts ?? []) {
      const volume = pod.spec?.volumes?.find((v) => v.name === mount.name);
      if (!volume?.configMap) continue;
      const source = await call(`reading ConfigMap ${namespace}/${volume.configMap.name} for pod ${name}`, () => cluster.core.readNamespacedConfigMap({ name: volume.configMap?.name ?? "", namespace }));
      const at = path.join(dir, "volumes", mount.name);
      fs.mkdirSync(at, { recursive: true });
      for (const [file, text] of Object.entries(source.data ?? {})) fs.writeFileSync(path.join(at, file), text);
      for (const [file, b64] of Object.entries(source.binaryData ?? {})) fs.writeFileSync(path.join(at, file), Buffer.from(b64, "base64"));
      mounts.push([mount.mountPath.replace(/\/$/, ""), at]);
    }
    const local = (arg: string): string => {
      for (const [mountPath, at] of mounts) if (arg === mountPath || arg.startsWith(`${mountPath}/`)) return at + arg.slice(mountPath.length);
      return arg;
    };
    // The in-cluster API, as a kubelet projects it: a token for the pod's ServiceAccount, the CA, the address.
    const accountDir = path.join(dir, "serviceaccount");
    fs.mkdirSync(accountDir, { recursive: true });
    const account = pod.spec?.serviceAccountName ?? "default";
    const token = await call(`requesting a token for ServiceAccount ${namespace}/${account} (pod ${name})`, () =>
      cluster.core.createNamespacedServiceAccountToken({ name: account, namespace, body: { spec: { audiences: [], expirationSeconds: 3_600 } } }),
    );
    fs.writeFileSync(path.join(accountDir, "token"), token.status?.token ?? "", { mode: 0o600 });
    fs.writeFileSync(path.join(accountDir, "namespace"), namespace);
    const ca = cluster.config.getCurrentCluster();
    fs.writeFileSync(path.join(accountDir, "ca.crt"), ca?.caData ? Buffer.from(ca.caData, "base64") : fs.readFileSync(ca?.caFile ?? ""));
    const server = new URL(cluster.server);
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOSTNAME: name,
      KUBERNETES_SERVICE_HOST: server.hostname,
      KUBERNETES_SERVICE_PORT: server.port || "443",
      GAMEDAY_SERVICEACCOUNT_DIR: accountDir,
    };
    for (const v of container.env ?? ([] as V1EnvVar[])) {
      const value = v.value ?? (v.valueFrom?.fieldRef ? fieldOf(pod, v.valueFrom.fieldRef.fieldPath) : undefined);
      if (value !== undefined) env[v.name] = value;
    }
    const child = spawn(process.execPath, command.slice(1).map(local), { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
    const running: Running = { child, dir, stderr: "" };
    child.stderr?.on("data", (chunk: Buffer) => (running.stderr = (running.stderr + chunk.toString()).slice(-2_000)));
    this.running.set(name, running);
    this.options.log?.(`job binding: pod ${name} runs as process ${child.pid ?? "?"}`);
    child.once("close", (code, signal) => {
      this.running.delete(name);
      this.finished.add(name);
      fs.rmSync(dir, { recursive: true, force: true });
      if (this.stopped) return;
      const exitCode = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 9) : 1);
      const message = running.stderr.trim().split("\n").slice(-3).join(" | ");
      this.setPhase(name, exitCode, message).catch((error: unknown) => {
        this.lastProblem = `setting the phase of pod ${name}: ${describeError(error)}`;
      });
    });
  }

  /** The pod's end as a kubelet reports it: its container terminated, the pod Succeeded or Failed. */
  private async setPhase(pod: string, exitCode: number, message: string): Promise<void> {
    const { cluster, namespace } = this.options;
    const at = new Date().toISOString();
    const current = await cluster.core.readNamespacedPodStatus({ name: pod, namespace });
    const containers = (current.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? "",
      imageID: "",
      ready: false,
      restartCount: 0,
      started: false,
      state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error", ...(message ? { message } : {}), startedAt: current.status?.startTime ?? at, finishedAt: at } },
    }));
    const body = {
      status: {
        phase: exitCode === 0 ? "Succeeded" : "Failed",
        containerStatuses: containers,
        conditions: [{ type: "Ready", status: "False", reason: "PodCompleted", lastTransitionTime: at }],
      },
    };
    await cluster.core.patchNamespacedPodStatus({ name: pod, namespace, body }, mergePatch);
    this.options.log?.(`job binding: pod ${pod} ${exitCode === 0 ? "Succeeded" : `Failed (exit ${exitCode})`}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.syncing;
    const closing = [...this.running.values()].map((r) => new Promise<void>((resolve) => {
      r.child.once("close", () => resolve());
      r.child.kill("SIGKILL");
    }));
    await Promise.all(closing);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
