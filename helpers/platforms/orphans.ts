// What crashed (SIGKILLed) runs can leave running outside their own process: private RabbitMQ nodes,
// monitoring stacks, embedded control planes. One sweep for the janitor, `gameday restore` and
// `gameday down`, so none of them forgets a kind.
import { sweepOrphanedNodes } from "../broker/rabbitmq.ts";
import { sweepOrphanedMonitoring } from "../monitoring/stack.ts";
import { sweepOrphanedControlPlanes } from "./kubernetes/control-plane.ts";

export interface Swept {
  brokerNodes: number;
  monitoringStacks: number;
  controlPlaneProcesses: number;
}

export async function sweepOrphans(options: { controlPlanes?: boolean } = {}): Promise<Swept> {
  return {
    brokerNodes: await sweepOrphanedNodes(),
    monitoringStacks: await sweepOrphanedMonitoring(),
    controlPlaneProcesses: options.controlPlanes === false ? 0 : await sweepOrphanedControlPlanes(),
  };
}

/** One phrase per kind that was swept, e.g. "stopped 1 orphaned RabbitMQ node(s)". */
export function describeSwept(swept: Swept): string[] {
  return [
    swept.brokerNodes > 0 ? `stopped ${swept.brokerNodes} orphaned RabbitMQ node(s)` : "",
    swept.monitoringStacks > 0 ? `stopped ${swept.monitoringStacks} orphaned monitoring stack(s) (Prometheus, Alertmanager)` : "",
    swept.controlPlaneProcesses > 0 ? `stopped ${swept.controlPlaneProcesses} process(es) of embedded Kubernetes control planes` : "",
  ].filter((p) => p !== "");
}
