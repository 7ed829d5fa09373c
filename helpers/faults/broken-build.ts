// broken-build: rolls a deployment to an image that cannot run (a misconfigured build that
// crash-loops). With RollingUpdate the old replicas keep serving; with Recreate nothing does.
// Reverting rolls back to the recorded image.
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import type { Rollout } from "../platforms/platform.ts";
import { defineFault, proveWithin } from "./fault.ts";

export const brokenBuild = defineFault({
  kind: "broken-build",
  requires: "images",
  fields: { deployment: Name, image: z.string().min(1) },
  title: (spec) => `roll ${spec.deployment} to the broken build ${spec.image}`,
  read: async (platform, spec) => ({
    deployment: spec.deployment,
    image: (await platform.rollout(spec.deployment)).image,
    replicas: (await platform.deployment(spec.deployment)).desired,
  }),
  // Every replica is at risk: how many a rolling update keeps serving depends on the strategy.
  takes: (_spec, original) => ({ replicas: original.replicas, of: original.replicas }),
  apply: async (platform, spec) => void (await platform.setImage(spec.deployment, spec.image)),
  prove: async (platform, spec, _original, _applied, title) => {
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
  restore: async (platform, spec, original) => void (await platform.setImage(spec.deployment, original.image)),
});
