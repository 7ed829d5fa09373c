// patch-env: changes a deployment's environment (a bad config push: a wrong URL, a feature flag, a
// missing secret). The platform rolls the replicas onto it; reverting restores the recorded values
// (and unsets what was unset before).
import { that } from "../invariants/temporal.ts";
import { activeFault, capability, faultRecord, proveWithin, recordThenMutate, type Fault } from "./fault.ts";

export interface PatchEnvSpec {
  deployment: string;
  /** Variables to set; null unsets one. */
  env: Record<string, string | null>;
  proofTimeoutMs?: number;
}

export function patchEnv(spec: PatchEnvSpec): Fault {
  const changes = Object.entries(spec.env).map(([k, v]) => (v === null ? `unset ${k}` : `${k}=${v}`));
  const title = `patch the environment of ${spec.deployment}: ${changes.join(", ")}`;
  return {
    kind: "patch-env",
    requires: "env",
    title,
    async inject({ platform, ledger, runId }) {
      const setEnv = capability(platform, "env", platform.setEnv?.bind(platform), "patch-env");
      const envOf = capability(platform, "env", platform.envOf?.bind(platform), "patch-env");
      const current = (await envOf(spec.deployment)).desired;
      const previous = Object.fromEntries(Object.keys(spec.env).map((k) => [k, current[k] ?? null]));
      const original = { deployment: spec.deployment, env: previous };
      const record = faultRecord({ platform, ledger, runId }, "patch-env", title, original);
      const restore = async (): Promise<void> => {
        await setEnv(spec.deployment, previous);
      };
      const { injection } = await recordThenMutate(ledger, record, () => setEnv(spec.deployment, spec.env), restore);
      const carries = (env: Record<string, string>): boolean => Object.entries(spec.env).every(([k, v]) => (v === null ? !(k in env) : env[k] === v));
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const rolled = that<{ desired: Record<string, string>; replicas: Record<string, string>[] }>(
            `every live replica of ${spec.deployment} runs with ${changes.join(", ")}`,
            (s) => carries(s.desired) && s.replicas.length > 0 && s.replicas.every(carries),
          );
          const seen = await proveWithin(title, { subject: `environment of ${spec.deployment}`, read: () => envOf(spec.deployment) }, rolled, spec.proofTimeoutMs ?? 30_000);
          return `deployment ${spec.deployment}: ${seen.replicas.length} replica(s) run with ${changes.join(", ")}`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
