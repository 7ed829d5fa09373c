// What the CLI knows of each platform: the Playwright project that runs scenarios on it and what it
// can change (for `plan`). Records over the schema's platform names, so a new
// platform does not compile until it has a project and capabilities.
import { KUBERNETES_CAPABILITIES } from "../helpers/platforms/kubernetes/settings.ts";
import { LOCAL_CAPABILITIES } from "../helpers/platforms/local/local-platform.ts";
import type { PlatformCapability } from "../helpers/platforms/platform.ts";
import type { ScenarioPlatform } from "../helpers/scenario/platform.ts";
import { UsageError } from "./options.ts";

export const PROJECTS: Record<ScenarioPlatform, string> = { local: "sock-shop", kubernetes: "sock-shop-kubernetes" };
export const CAPABILITIES: Record<ScenarioPlatform, ReadonlySet<PlatformCapability>> = { local: LOCAL_CAPABILITIES, kubernetes: KUBERNETES_CAPABILITIES };

/** The cluster options only mean something on kubernetes. */
export function refuseClusterOptionsOff(platform: ScenarioPlatform, clusterEnv: Record<string, string>): void {
  if (Object.keys(clusterEnv).length > 0 && platform !== "kubernetes") {
    throw new UsageError("--kubeconfig, --context, --namespace, --allow-namespace, --endpoint, --max-replicas and --max-percent need --platform kubernetes");
  }
}
