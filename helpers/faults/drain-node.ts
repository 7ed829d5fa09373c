// drain-node: cordons the node running a deployment's replicas and evicts the target's replicas
// from it, as a node upgrade or failure would. The controllers reschedule them elsewhere. Reverting
// makes the node schedulable again (its recorded state); evicted replicas are not moved back.
import { that } from "../invariants/temporal.ts";
import { activeFault, capability, faultRecord, proveWithin, recordThenMutate, type Fault } from "./fault.ts";

export interface DrainNodeSpec {
  /** The node to drain; by default the node running most of `deployment`'s replicas. */
  node?: string | undefined;
  deployment: string;
  proofTimeoutMs?: number;
}

export function drainNode(spec: DrainNodeSpec): Fault {
  const title = spec.node ? `drain node ${spec.node}` : `drain the node running ${spec.deployment}`;
  return {
    kind: "drain-node",
    requires: "nodes",
    title,
    async inject({ platform, ledger, runId }) {
      const drain = capability(platform, "nodes", platform.drainNode?.bind(platform), "drain-node");
      const uncordon = capability(platform, "nodes", platform.uncordon?.bind(platform), "drain-node");
      const readNode = capability(platform, "nodes", platform.node?.bind(platform), "drain-node");
      const nodeOf = capability(platform, "nodes", platform.nodeOf?.bind(platform), "drain-node");
      const node = spec.node ?? (await nodeOf(spec.deployment));
      const before = await readNode(node);
      const original = { node, unschedulable: before.unschedulable, pods: before.pods };
      const record = faultRecord({ platform, ledger, runId }, "drain-node", `${title} (${node})`, original);
      const restore = async (): Promise<void> => {
        if (!before.unschedulable) await uncordon(node);
      };
      const { injection, result } = await recordThenMutate(ledger, record, () => drain(node), restore);
      return activeFault({
        title: `${title} (${node})`,
        original: { ...original, evicted: result.evicted },
        proveEffect: async () => {
          const drained = that<{ unschedulable: boolean; pods: number }>(`node ${node} cordoned with none of the target's replicas left on it`, (s) => s.unschedulable && s.pods === 0);
          await proveWithin(title, { subject: `node ${node}`, read: () => readNode(node) }, drained, spec.proofTimeoutMs ?? 30_000);
          return `node ${node} cordoned; evicted ${result.evicted.length} replica(s): ${result.evicted.join(", ") || "none"}`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
