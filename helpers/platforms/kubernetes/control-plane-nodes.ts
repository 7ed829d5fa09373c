// The control plane's fake nodes: Node objects created through the API server and annotated so that
// kwok manages them (it reports them Ready, renews their Leases and plays the kubelet of their pods).
import { EnvironmentNotReady } from "../../core/errors.ts";
import { lastLines, type ControlPlaneApi, type Pending } from "./control-plane-api.ts";

export const NODE_PREFIX = "gameday-node-";
/** kwok's --manage-nodes-with-annotation-selector picks the nodes carrying this annotation. */
export const FAKE_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" };

interface NodeView {
  metadata: { name: string };
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Creates gameday-node-0..count-1 (label type=kwok), at most 200: each gets an address in 192.0.2.0/24. */
export async function createFakeNodes(api: ControlPlaneApi, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const name = `${NODE_PREFIX}${i}`;
    const resources = { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "1Ti" };
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: {
        name,
        labels: { type: "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" },
        annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0" },
      },
      spec: {},
      // Status may be set on create; kwok keeps capacity and addresses and adds the conditions.
      // Both address types, or kwok's node-initialize replaces the list with what it knows (nothing,
      // without --node-ip/--node-name). 192.0.2.0/24 is TEST-NET-1: documentation only, never routed.
      status: {
        capacity: resources,
        allocatable: resources,
        addresses: [
          { type: "InternalIP", address: `192.0.2.${i + 1}` },
          { type: "Hostname", address: name },
        ],
      },
    };
    const { status, text } = await api.request("POST", "/api/v1/nodes", node);
    if (status !== 201) throw new EnvironmentNotReady(`creating fake node ${name} answered HTTP ${status}: ${lastLines(text, 3)}`);
  }
}

/** Undefined once exactly `expected` fake nodes are Ready and untainted; else which are not, and why. */
export async function fakeNodesReady(api: ControlPlaneApi, expected: number): Promise<Pending> {
  const { status, text } = await api.request("GET", "/api/v1/nodes?labelSelector=type%3Dkwok");
  if (status !== 200) return `listing nodes answered HTTP ${status}`;
  const nodes = (JSON.parse(text) as { items: NodeView[] }).items;
  const problems = nodes.flatMap((node) => {
    const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "no Ready condition";
    const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
    if (ready !== "True") return [`${node.metadata.name} Ready=${ready}`];
    if (taints.length > 0) return [`${node.metadata.name} tainted ${taints.join(",")}`];
    return [];
  });
  const readyCount = nodes.length - problems.length;
  if (nodes.length === expected && problems.length === 0) return undefined;
  return `${readyCount}/${expected} nodes Ready and untainted${problems.length ? ` (${problems.join("; ")})` : ""}`;
}
