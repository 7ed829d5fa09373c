// Process binding: the embedded target's processes follow the Deployments of a cluster whose pods
// are simulated (kwok). The cluster decides, the processes obey: live pods → that many replica
// processes run; no pods → they stop; the template's image → that build runs (a broken image runs
// the broken build); a pod deleted and replaced → one replica process is killed and restarts. So a
// fault sent through the real API server really stops the real consumer on the real broker.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import { describeError } from "../../core/errors.ts";
import type { Supervisor } from "../local/supervisor.ts";
import type { Cluster } from "./cluster.ts";

export interface ProcessBindingOptions {
  cluster: Cluster;
  namespace: string;
  supervisor: Supervisor;
  intervalMs?: number;
  log?: (line: string) => void;
}

interface Observed {
  /** pod name → pod-template-hash, for the live pods seen at the last sync. */
  pods: Map<string, string>;
}

export class ProcessBinding implements AsyncDisposable {
  private readonly observed = new Map<string, Observed>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Syncs completed; a test waits for one after changing the cluster. */
  syncs = 0;
  lastProblem: string | undefined;

  constructor(private readonly options: ProcessBindingOptions) {}

  start(): this {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.syncAll()
        .catch((error: unknown) => {
          this.lastProblem = describeError(error);
        })
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 100);
        });
    };
    tick();
    return this;
  }

  /** One pass over every deployment the supervisor runs: two list calls, whatever the number of deployments. */
  async syncAll(): Promise<void> {
    const { cluster, namespace } = this.options;
    const [deployments, pods] = await Promise.all([cluster.apps.listNamespacedDeployment({ namespace }), cluster.core.listNamespacedPod({ namespace })]);
    for (const name of this.options.supervisor.names()) {
      if (this.stopped) return;
      const deployment = deployments.items.find((d) => d.metadata?.name === name);
      if (!deployment) continue; // not part of the cluster's copy of the target: leave it alone
      const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {});
      const mine = pods.items.filter((p) => p.metadata?.deletionTimestamp === undefined && selector.every(([k, v]) => p.metadata?.labels?.[k] === v));
      await this.sync(name, deployment, mine);
    }
    this.syncs += 1;
  }

  private async sync(name: string, deployment: V1Deployment, pods: V1Pod[]): Promise<void> {
    const { supervisor } = this.options;
    const live = new Map(pods.map((p) => [p.metadata?.name ?? "", p.metadata?.labels?.["pod-template-hash"] ?? ""]));

    const image = deployment.spec?.template.spec?.containers[0]?.image ?? "";
    if (image !== supervisor.rollout(name).image) {
      try {
        await supervisor.setImage(name, image);
        this.options.log?.(`process binding: ${name} now runs ${image}, as its Deployment asks`);
      } catch (error) {
        this.lastProblem = `deployment ${name} asks for image ${image}, which the embedded target cannot run: ${describeError(error)}`;
      }
    }
    // Surge pods of a rolling update count once: the local rollout makes its own surge.
    const replicas = Math.min(live.size, deployment.spec?.replicas ?? live.size);
    if (supervisor.status(name).desired !== replicas) await supervisor.scale(name, replicas);

    // A pod replaced by a pod of the same template is a replica killed and restarted.
    const before = this.observed.get(name);
    if (before) {
      let replaced = 0;
      const hashes = new Set([...before.pods.values(), ...live.values()]);
      for (const hash of hashes) {
        const gone = [...before.pods].filter(([pod, h]) => h === hash && !live.has(pod)).length;
        const added = [...live].filter(([pod, h]) => h === hash && !before.pods.has(pod)).length;
        replaced += Math.min(gone, added);
      }
      if (replaced > 0 && supervisor.status(name).running > 0) {
        const killed = supervisor.killReplicas(name, replaced, "SIGKILL");
        this.options.log?.(`process binding: ${replaced} pod(s) of ${name} replaced in the cluster; killed ${killed.join(", ")}`);
      }
    }
    this.observed.set(name, { pods: live });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
