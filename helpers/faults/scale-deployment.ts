import { FaultNotEffective, InvariantViolation } from "../core/errors.ts";
import { eventually, that } from "../invariants/temporal.ts";
import { deploymentProbe } from "../probes/deployment.ts";
import type { DeploymentStatus } from "../platforms/platform.ts";
import { activeFault, type Fault, faultRecord } from "./fault.ts";

export interface ScaleDeploymentSpec {
  deployment: string;
  replicas: number;
  /** How long the platform may take to reach the new replica count. */
  proofTimeoutMs?: number;
}

/** Scales a deployment (to 0: the consumer outage). Reverting restores the recorded replica count. */
export function scaleDeployment(spec: ScaleDeploymentSpec): Fault {
  const title = `scale deployment ${spec.deployment} to ${spec.replicas}`;
  return {
    kind: "scale",
    requires: "replicas",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.deployment(spec.deployment);
      const original = { deployment: spec.deployment, replicas: before.desired };
      const record = faultRecord({ platform, ledger, runId }, "scale", title, original);
      const injection = ledger.recordInjection(record);
      await platform.scale(spec.deployment, spec.replicas);
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const target = that<DeploymentStatus>(
            `${spec.replicas} replica(s) running and ${spec.replicas} ready`,
            (s) => s.running === spec.replicas && s.ready === spec.replicas,
          );
          try {
            const outcome = await eventually(deploymentProbe(platform, spec.deployment), target, {
              withinMs: spec.proofTimeoutMs ?? 15_000,
              after: `inject: ${title}`,
            });
            return `deployment ${spec.deployment}: ${outcome.value.running} running, ${outcome.value.ready} ready after ${outcome.durationMs} ms`;
          } catch (error) {
            if (!(error instanceof InvariantViolation)) throw error;
            throw new FaultNotEffective(`fault "${title}" did not take effect: ${error.message.replace(/^\[\w+\] /, "")}`);
          }
        },
        undo: async () => {
          await platform.scale(spec.deployment, before.desired);
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
