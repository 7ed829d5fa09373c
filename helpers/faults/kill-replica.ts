// kill-replica: kills running replicas as a node or OOM kill would. The controller replaces them, so
// there is nothing to restore; the proof is the deployment's restart count growing.
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import type { DeploymentStatus } from "../platforms/platform.ts";
import { deploymentProbe } from "../probes/deployment.ts";
import { defineFault, proveWithin } from "./fault.ts";

export const killReplica = defineFault({
  kind: "kill-replica",
  requires: "replicas",
  fields: {
    deployment: Name,
    count: z.int().min(1).max(10).default(1),
    /** Overrides count: this share of the running replicas, rounded up. */
    percent: z.int().min(1).max(100).optional(),
    signal: z.enum(["SIGKILL", "SIGTERM"]).default("SIGKILL"),
  },
  title: (spec) => `kill ${spec.percent !== undefined ? `${spec.percent}% of the replicas` : `${spec.count} replica(s)`} of ${spec.deployment} with ${spec.signal}`,
  read: async (platform, spec) => {
    const before = await platform.deployment(spec.deployment);
    return { deployment: spec.deployment, running: before.running, ready: before.ready, restarts: before.restarts };
  },
  // As the platform counts them: the running replicas, a percentage rounded up.
  takes: (spec, before) => ({ replicas: spec.percent !== undefined ? Math.ceil((before.running * spec.percent) / 100) : spec.count, of: before.running }),
  apply: (platform, spec) => platform.killReplicas(spec.deployment, spec.count, spec.signal, spec.percent),
  details: (killed) => ({ killed }),
  prove: async (platform, spec, before, killed, title) => {
    const restarted = that<DeploymentStatus>(`restarts above ${before.restarts} by ${killed.length} (replicas ${killed.join(", ")} killed)`, (s) => s.restarts >= before.restarts + killed.length);
    const after = await proveWithin(title, deploymentProbe(platform, spec.deployment), restarted, spec.proofTimeoutMs ?? 10_000);
    return `deployment ${spec.deployment}: killed ${killed.join(", ")}; restarts ${before.restarts} → ${after.restarts}`;
  },
  nothingToRestore: "nothing to restore: the controller restarts killed replicas",
});
