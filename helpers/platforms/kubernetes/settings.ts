// What a run may do on a cluster, decided before any connection: the settings from the environment
// (the CLI's options become these variables, so Playwright workers see them too), the namespace
// allowlist and the platform's capabilities. Without a kubeconfig, context or namespace the run uses
// the embedded cluster: a real cluster is only ever touched when named explicitly. No API client is
// loaded here, so the CLI checks its input without loading one.
import { ScenarioError } from "../../core/errors.ts";
import { BLAST_RADIUS_ENV, blastRadiusFromEnv, type BlastRadius } from "../blast-radius.ts";
import type { PlatformCapability } from "../platform.ts";

export interface ClusterSettings {
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  allowedNamespaces: string[];
  /** Service name → URL from this machine (port-forwards, ingresses). */
  endpoints: Record<string, string>;
  blastRadius: BlastRadius;
  /** A team's own Prometheus and Alertmanager (--prometheus, --alertmanager), read-only. */
  prometheusUrl?: string | undefined;
  alertmanagerUrl?: string | undefined;
}

export const CLUSTER_ENV = {
  kubeconfig: "GAMEDAY_KUBECONFIG",
  context: "GAMEDAY_KUBE_CONTEXT",
  namespace: "GAMEDAY_NAMESPACE",
  allowedNamespaces: "GAMEDAY_ALLOWED_NAMESPACES",
  endpoints: "GAMEDAY_ENDPOINTS",
  ...BLAST_RADIUS_ENV,
} as const;

/** Parses "name=url,name=url". */
export function parseEndpoints(text: string | undefined): Record<string, string> {
  const endpoints: Record<string, string> = {};
  for (const pair of (text ?? "").split(",").map((p) => p.trim()).filter((p) => p !== "")) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const url = pair.slice(at + 1).trim();
    if (at <= 0 || !URL.canParse(url)) throw new ScenarioError(`${CLUSTER_ENV.endpoints}: "${pair}" is not name=url (e.g. front-end=http://127.0.0.1:8079)`);
    endpoints[name] = url;
  }
  return endpoints;
}

export function clusterSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ClusterSettings {
  const list = (text: string | undefined): string[] => (text ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return {
    kubeconfig: env[CLUSTER_ENV.kubeconfig] || undefined,
    context: env[CLUSTER_ENV.context] || undefined,
    namespace: env[CLUSTER_ENV.namespace] || undefined,
    allowedNamespaces: list(env[CLUSTER_ENV.allowedNamespaces]),
    endpoints: parseEndpoints(env[CLUSTER_ENV.endpoints]),
    blastRadius: blastRadiusFromEnv(env),
    prometheusUrl: env.GAMEDAY_PROMETHEUS_URL || undefined,
    alertmanagerUrl: env.GAMEDAY_ALERTMANAGER_URL || undefined,
  };
}

/** True when the settings name a cluster of the user's; false means the embedded one. */
export function namesACluster(settings: ClusterSettings): boolean {
  return settings.kubeconfig !== undefined || settings.context !== undefined || settings.namespace !== undefined;
}

export const KUBERNETES_CAPABILITIES: ReadonlySet<PlatformCapability> = new Set<PlatformCapability>(["replicas", "images", "env", "network-policy", "nodes"]);

/** Never touched, whatever the allowlist says: the cluster's own machinery lives there. */
export const PROTECTED_NAMESPACES = ["kube-system", "kube-public", "kube-node-lease"] as const;

/** Refuses a namespace that is protected or not on the allowlist (exit 2, nothing mutated). */
export function assertNamespaceAllowed(namespace: string, allowed: readonly string[]): void {
  if ((PROTECTED_NAMESPACES as readonly string[]).includes(namespace)) {
    throw new ScenarioError(`namespace "${namespace}" is refused: game days never touch ${PROTECTED_NAMESPACES.join(", ")}. Deploy the target to a namespace of its own.`);
  }
  if (!allowed.includes(namespace)) {
    const list = allowed.length > 0 ? allowed.join(", ") : "nothing";
    throw new ScenarioError(
      `namespace "${namespace}" is not on the allowlist (${list}): add it with --allow-namespace ${namespace} or GAMEDAY_ALLOWED_NAMESPACES=${namespace}`,
    );
  }
}
