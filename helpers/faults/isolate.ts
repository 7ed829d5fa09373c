// isolate: cuts a deployment's replicas off the network, both ways (a NetworkPolicy denying all
// ingress and egress, on Kubernetes). Reverting removes it. The proof is that the isolation is in
// place and selects the replicas; that traffic actually stops is the cluster's network plugin's job
// (a cluster without one stores the policy and enforces nothing: check with a link probe).
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import { capability, defineFault, proveWithin } from "./fault.ts";

export const isolate = defineFault({
  kind: "isolate",
  requires: "network-policy",
  fields: { deployment: Name },
  title: (spec) => `isolate ${spec.deployment} from the network`,
  read: async (platform, spec) => {
    const read = capability(platform, "network-policy", platform.isolation?.bind(platform), "isolate");
    return { deployment: spec.deployment, isolated: (await read(spec.deployment)) !== undefined, replicas: (await platform.deployment(spec.deployment)).desired };
  },
  takes: (_spec, original) => ({ replicas: original.replicas, of: original.replicas }),
  apply: (platform, spec) => capability(platform, "network-policy", platform.isolate?.bind(platform), "isolate")(spec.deployment),
  details: (policy) => ({ policy }),
  prove: async (platform, spec, _original, policy, title) => {
    const read = capability(platform, "network-policy", platform.isolation?.bind(platform), "isolate");
    const inPlace = that<{ policy: string; selectedPods: number } | undefined>(`isolation ${policy} in place and selecting the replicas of ${spec.deployment}`, (s) => s !== undefined && s.selectedPods > 0);
    const seen = await proveWithin(title, { subject: `isolation of ${spec.deployment}`, read: () => read(spec.deployment) }, inPlace, spec.proofTimeoutMs ?? 10_000);
    return `${policy} denies all ingress and egress of ${seen?.selectedPods ?? 0} replica(s) of ${spec.deployment}`;
  },
  restore: async (platform, spec, original) => {
    if (!original.isolated) await capability(platform, "network-policy", platform.unisolate?.bind(platform), "isolate")(spec.deployment);
  },
});
