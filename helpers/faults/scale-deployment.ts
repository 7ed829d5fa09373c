// scale: sets a deployment's replica count (to 0: the consumer outage). Reverting restores the
// recorded count.
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import type { DeploymentStatus } from "../platforms/platform.ts";
import { deploymentProbe } from "../probes/deployment.ts";
import { defineFault, proveWithin } from "./fault.ts";

export const scaleDeployment = defineFault({
  kind: "scale",
  requires: "replicas",
  fields: { deployment: Name, replicas: z.int().min(0).max(50) },
  title: (spec) => `scale deployment ${spec.deployment} to ${spec.replicas}`,
  read: async (platform, spec) => ({ deployment: spec.deployment, replicas: (await platform.deployment(spec.deployment)).desired }),
  apply: async (platform, spec) => void (await platform.scale(spec.deployment, spec.replicas)),
  prove: async (platform, spec, _original, _applied, title) => {
    const target = that<DeploymentStatus>(`${spec.replicas} replica(s) running and ${spec.replicas} ready`, (s) => s.running === spec.replicas && s.ready === spec.replicas);
    const started = Date.now();
    const seen = await proveWithin(title, deploymentProbe(platform, spec.deployment), target, spec.proofTimeoutMs ?? 15_000);
    return `deployment ${spec.deployment}: ${seen.running} running, ${seen.ready} ready after ${Date.now() - started} ms`;
  },
  takes: (spec, original) => ({ replicas: Math.max(0, original.replicas - spec.replicas), of: original.replicas }),
  restore: async (platform, spec, original) => void (await platform.scale(spec.deployment, original.replicas)),
});
