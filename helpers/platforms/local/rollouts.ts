// Rollouts: moving a deployment to another image, RollingUpdate (max surge 1, max unavailable 0)
// or Recreate, one reconcile step at a time, and the per-image view of where a rollout stands.
import { HarnessError } from "../../core/errors.ts";
import type { Rollout } from "../platform.ts";
import type { Deployment, Replica } from "./deployment.ts";
import type { EventLog } from "./logs-and-events.ts";
import type { ReplicaController } from "./replicas.ts";

export class RolloutController {
  constructor(
    private readonly replicas: ReplicaController,
    private readonly events: EventLog,
    /** True once the supervisor is stopping: no further step starts replicas. */
    private readonly stopped: () => boolean,
  ) {}

  /**
   * Rolls the deployment to another image. Recreate stops every replica, then starts the new ones;
   * RollingUpdate starts one new replica and stops an old one each time a new one is ready, so a
   * build that never gets ready leaves the old replicas serving. Returns once the rollout started.
   */
  async setImage(d: Deployment, image: string): Promise<{ previous: string }> {
    const known = [...new Set([d.spec.image, ...Object.keys(d.spec.variants ?? {})])];
    if (!known.includes(image)) {
      throw new HarnessError(`deployment ${d.spec.name} has no image "${image}" on the local platform (known images: ${known.join(", ")})`);
    }
    const previous = d.image;
    if (image === previous) return { previous };
    d.image = image;
    this.events.add("Normal", "RolloutStarted", `deployment/${d.spec.name}`, `Rolling from ${previous} to ${image} (${d.spec.strategy ?? "RollingUpdate"})`);
    await this.reconcile(d);
    return { previous };
  }

  /** The image asked for, and the replicas of each image that exist now. */
  rollout(d: Deployment): Rollout {
    const images = new Map<string, Rollout["images"][number]>();
    for (const r of d.replicas) {
      const entry = images.get(r.image) ?? { image: r.image, running: 0, ready: 0, restarts: 0, crashLooping: false };
      if (r.state === "running" || r.state === "starting") entry.running += 1;
      if (r.ready) entry.ready += 1;
      entry.restarts += r.restarts;
      entry.crashLooping ||= r.state === "backoff";
      images.set(r.image, entry);
    }
    return { image: d.image, images: [...images.values()] };
  }

  /** Takes the next step of every unfinished rollout with no step in flight (called after each readiness pass). */
  continueAll(deployments: Iterable<Deployment>): void {
    for (const d of deployments) {
      if (!d.rolling && d.replicas.some((r) => r.image !== d.image)) void this.reconcile(d);
    }
  }

  /** Settles once the steps in flight have (they never reject). */
  async inFlight(deployments: Iterable<Deployment>): Promise<void> {
    await Promise.all([...deployments].map((d) => d.rolling ?? Promise.resolve()));
  }

  /** Runs one rollout step after any in flight: the controller's reconcile of images. */
  private reconcile(d: Deployment): Promise<void> {
    const step = (d.rolling ?? Promise.resolve())
      .then(() => this.step(d))
      .catch((error: unknown) => this.events.add("Warning", "RolloutFailed", `deployment/${d.spec.name}`, error instanceof Error ? error.message : String(error)));
    d.rolling = step;
    void step.then(() => {
      if (d.rolling === step) d.rolling = undefined;
    });
    return step;
  }

  private async step(d: Deployment): Promise<void> {
    if (this.stopped()) return;
    const old = d.replicas.filter((r) => r.image !== d.image);
    if (old.length === 0) return;
    const stop = async (replicas: Replica[]): Promise<void> => {
      d.replicas = d.replicas.filter((r) => !replicas.includes(r));
      this.replicas.route(d);
      await Promise.all(replicas.map((r) => this.replicas.terminate(d, r, `replaced by ${d.image}`)));
    };
    if (d.spec.strategy === "Recreate") {
      await stop(old);
      while (!this.stopped() && d.replicas.length < d.desired) await this.replicas.add(d);
      if (!this.stopped()) this.events.add("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Recreated ${d.desired} replica(s) of ${d.image}`);
      return;
    }
    // RollingUpdate with max surge 1 and max unavailable 0.
    const current = d.replicas.filter((r) => r.image === d.image);
    const keepOld = Math.max(0, d.desired - current.filter((r) => r.ready).length);
    const surplus = old.slice(0, Math.max(0, old.length - keepOld));
    if (surplus.length > 0) {
      this.events.add("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Scaled down ${surplus.length} replica(s) of ${surplus[0]?.image ?? "?"}`);
      await stop(surplus);
    }
    if (!this.stopped() && current.length < d.desired && d.replicas.length < d.desired + 1) {
      this.events.add("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Scaled up ${d.image} to ${current.length + 1} replica(s)`);
      await this.replicas.add(d);
    }
  }
}
