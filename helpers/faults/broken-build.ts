// broken-build: rolls a deployment to an image that cannot run (a misconfigured build that
// crash-loops). With RollingUpdate the old replicas keep serving; with Recreate nothing does.
// Reverting rolls back to the recorded image.
import { that } from "../invariants/temporal.ts";
import type { Rollout } from "../platforms/platform.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface BrokenBuildSpec {
  deployment: string;
  image: string;
  /** How long the new build may take to show it cannot run. */
  proofTimeoutMs?: number;
}

export function brokenBuild(spec: BrokenBuildSpec): Fault {
  const title = `roll ${spec.deployment} to the broken build ${spec.image}`;
  return {
    kind: "broken-build",
    requires: "images",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.rollout(spec.deployment);
      const original = { deployment: spec.deployment, image: before.image };
      const record = faultRecord({ platform, ledger, runId }, "broken-build", title, original);
      const rollBack = async (): Promise<void> => {
        await platform.setImage(spec.deployment, before.image);
      };
      const { injection } = await recordThenMutate(ledger, record, () => platform.setImage(spec.deployment, spec.image), rollBack);
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const newBuild = (r: Rollout) => r.images.find((i) => i.image === spec.image);
          const broken = that<Rollout>(`image ${spec.image} rolled out with 0 ready and its replicas crashing`, (r) => {
            const replicas = newBuild(r);
            return r.image === spec.image && replicas !== undefined && replicas.ready === 0 && (replicas.crashLooping || replicas.restarts > 0);
          });
          const probe = { subject: `rollout of ${spec.deployment}`, read: () => platform.rollout(spec.deployment) };
          const seen = await proveWithin(title, probe, broken, spec.proofTimeoutMs ?? 20_000);
          const others = seen.images.filter((i) => i.image !== spec.image).map((i) => `${i.image}: ${i.ready} ready`);
          const replicas = newBuild(seen);
          return `deployment ${spec.deployment} on ${spec.image}: ${replicas?.ready ?? 0} ready, ${replicas?.restarts ?? 0} restarts, crash-looping ${String(replicas?.crashLooping)}; still serving: ${others.join(", ") || "nothing"}`;
        },
        undo: async () => {
          await rollBack();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
