// Shared setup of the Kubernetes tests: a namespace holding one Deployment "web"; the CLI as a user runs it.
import type { V1Deployment } from "@kubernetes/client-node";
import { expect } from "@playwright/test";
import type { Cluster } from "../../../helpers/platforms/kubernetes/cluster.ts";

export const WEB_IMAGE = "registry.example/gameday/web:1";
export const BROKEN_WEB_IMAGE = "registry.example/gameday/web:1-broken";

/** Creates `namespace` with a Deployment "web" (label name=web, env MODE=normal) and waits until its replicas are ready. */
export async function namespaceWithWeb(cluster: Cluster, namespace: string, replicas: number): Promise<void> {
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  const body: V1Deployment = {
    metadata: { name: "web", labels: { name: "web" } },
    spec: {
      replicas,
      selector: { matchLabels: { name: "web" } },
      template: { metadata: { labels: { name: "web" } }, spec: { containers: [{ name: "web", image: WEB_IMAGE, env: [{ name: "MODE", value: "normal" }] }] } },
    },
  };
  await cluster.apps.createNamespacedDeployment({ namespace, body });
  await expect
    .poll(async () => (await cluster.apps.readNamespacedDeployment({ name: "web", namespace })).status?.readyReplicas ?? 0, { timeout: 30_000, message: `web ready in ${namespace}` })
    .toBe(replicas);
}

export { gameday } from "./cli.ts";
