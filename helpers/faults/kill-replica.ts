// kill-replica: kills running replicas as a node or OOM kill would. The controller replaces them, so
// there is nothing to restore; the proof is the deployment's restart count growing.
import { that } from "../invariants/temporal.ts";
import type { DeploymentStatus } from "../platforms/platform.ts";
import { deploymentProbe } from "../probes/deployment.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface KillReplicaSpec {
  deployment: string;
  count?: number;
  /** Overrides count: this share of the running replicas, rounded up. */
  percent?: number | undefined;
  signal?: "SIGKILL" | "SIGTERM";
  /** How long the platform may take to notice the replicas died. */
  proofTimeoutMs?: number;
}

export function killReplica(spec: KillReplicaSpec): Fault {
  const count = spec.count ?? 1;
  const signal = spec.signal ?? "SIGKILL";
  const title = `kill ${spec.percent !== undefined ? `${spec.percent}% of the replicas` : `${count} replica(s)`} of ${spec.deployment} with ${signal}`;
  return {
    kind: "kill-replica",
    requires: "replicas",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.deployment(spec.deployment);
      const original = { deployment: spec.deployment, ready: before.ready, restarts: before.restarts };
      const record = faultRecord({ platform, ledger, runId }, "kill-replica", title, original);
      const { injection, result: killed } = await recordThenMutate(
        ledger,
        record,
        () => platform.killReplicas(spec.deployment, count, signal, spec.percent),
        () => Promise.resolve(),
      );
      return activeFault({
        title,
        original: { ...original, killed },
        proveEffect: async () => {
          const restarted = that<DeploymentStatus>(
            `restarts above ${before.restarts} by ${killed.length} (replicas ${killed.join(", ")} killed)`,
            (s) => s.restarts >= before.restarts + killed.length,
          );
          const after = await proveWithin(title, deploymentProbe(platform, spec.deployment), restarted, spec.proofTimeoutMs ?? 10_000);
          return `deployment ${spec.deployment}: killed ${killed.join(", ")}; restarts ${before.restarts} → ${after.restarts}`;
        },
        // Nothing to put back: the controller restarts killed replicas. The revert is still recorded.
        undo: () => Promise.resolve(ledger.recordRevert(injection, { ...record, note: "nothing to restore: the controller restarts killed replicas" })),
      });
    },
  };
}
