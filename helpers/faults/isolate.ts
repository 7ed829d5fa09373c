// isolate: cuts a deployment's replicas off the network, both ways (a NetworkPolicy denying all
// ingress and egress, on Kubernetes). Reverting removes it. The proof is that the isolation is in
// place and selects the replicas; that traffic actually stops is the cluster's network plugin's job
// (a cluster without one stores the policy and enforces nothing: check with a link probe).
import { that } from "../invariants/temporal.ts";
import { activeFault, capability, faultRecord, proveWithin, recordThenMutate, type Fault } from "./fault.ts";

export interface IsolateSpec {
  deployment: string;
  proofTimeoutMs?: number;
}

export function isolate(spec: IsolateSpec): Fault {
  const title = `isolate ${spec.deployment} from the network`;
  return {
    kind: "isolate",
    requires: "network-policy",
    title,
    async inject({ platform, ledger, runId }) {
      const cut = capability(platform, "network-policy", platform.isolate?.bind(platform), "isolate");
      const uncut = capability(platform, "network-policy", platform.unisolate?.bind(platform), "isolate");
      const read = capability(platform, "network-policy", platform.isolation?.bind(platform), "isolate");
      const original = { deployment: spec.deployment, isolated: (await read(spec.deployment)) !== undefined };
      const record = faultRecord({ platform, ledger, runId }, "isolate", title, original);
      const restore = async (): Promise<void> => {
        if (!original.isolated) await uncut(spec.deployment);
      };
      const { injection, result: policy } = await recordThenMutate(ledger, record, () => cut(spec.deployment), restore);
      return activeFault({
        title,
        original: { ...original, policy },
        proveEffect: async () => {
          const inPlace = that<{ policy: string; selectedPods: number } | undefined>(`isolation ${policy} in place and selecting the replicas of ${spec.deployment}`, (s) => s !== undefined && s.selectedPods > 0);
          const seen = await proveWithin(title, { subject: `isolation of ${spec.deployment}`, read: () => read(spec.deployment) }, inPlace, spec.proofTimeoutMs ?? 10_000);
          return `${policy} denies all ingress and egress of ${seen?.selectedPods ?? 0} replica(s) of ${spec.deployment}`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
