// drain-node: cordons the node running a deployment's replicas and evicts the target's replicas
// from it, as a node upgrade or failure would. The controllers reschedule them elsewhere. Reverting
// makes the node schedulable again (its recorded state); evicted replicas are not moved back.
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import { capability, defineFault, proveWithin } from "./fault.ts";

const nodes = (platform: Parameters<typeof capability>[0]) => ({
  drain: capability(platform, "nodes", platform.drainNode?.bind(platform), "drain-node"),
  uncordon: capability(platform, "nodes", platform.uncordon?.bind(platform), "drain-node"),
  read: capability(platform, "nodes", platform.node?.bind(platform), "drain-node"),
  nodeOf: capability(platform, "nodes", platform.nodeOf?.bind(platform), "drain-node"),
});

export const drainNode = defineFault({
  kind: "drain-node",
  requires: "nodes",
  /** The node to drain; by default the node running most of `deployment`'s replicas. */
  fields: { deployment: Name, node: z.string().min(1).optional() },
  read: async (platform, spec): Promise<{ node: string; unschedulable: boolean; pods: number }> => {
    const node = spec.node ?? (await nodes(platform).nodeOf(spec.deployment));
    const before = await nodes(platform).read(node);
    return { node, unschedulable: before.unschedulable, pods: before.pods };
  },
  title: (spec, original) => {
    const base = spec.node ? `drain node ${spec.node}` : `drain the node running ${spec.deployment}`;
    return original ? `${base} (${original.node})` : base;
  },
  // The target's replicas on the node, of whichever deployments: no per-deployment share applies.
  takes: (_spec, original) => ({ replicas: original.pods }),
  apply: (platform, _spec, original) => nodes(platform).drain(original.node),
  details: (result) => ({ evicted: result.evicted }),
  prove: async (platform, spec, original, result, title) => {
    const drained = that<{ unschedulable: boolean; pods: number }>(`node ${original.node} cordoned with none of the target's replicas left on it`, (s) => s.unschedulable && s.pods === 0);
    await proveWithin(title, { subject: `node ${original.node}`, read: () => nodes(platform).read(original.node) }, drained, spec.proofTimeoutMs ?? 30_000);
    return `node ${original.node} cordoned; evicted ${result.evicted.length} replica(s): ${result.evicted.join(", ") || "none"}`;
  },
  restore: async (platform, _spec, original) => {
    if (!original.unschedulable) await nodes(platform).uncordon(original.node);
  },
});
