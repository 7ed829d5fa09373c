// A connection to one Kubernetes cluster, chosen the way kubectl users expect: an explicit
// kubeconfig file, else $KUBECONFIG (a colon-separated list, merged), else ~/.kube/config; an
// explicit context, else the file's current-context. Credentials stay inside KubeConfig: nothing
// here prints or records them.
import {
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  NetworkingV1Api,
  RbacAuthorizationV1Api,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { HarnessError, ScenarioError } from "../../core/errors.ts";

export interface ClusterSelection {
  /** A kubeconfig file (kubectl's --kubeconfig). */
  kubeconfig?: string | undefined;
  /** A context of that kubeconfig (kubectl's --context). */
  context?: string | undefined;
}

export interface Cluster {
  readonly config: KubeConfig;
  /** The context in use. */
  readonly context: string;
  /** The API server URL of that context. */
  readonly server: string;
  /** Where the kubeconfig came from, for messages and for restoring a crashed run: a path or "$KUBECONFIG". */
  readonly source: string;
  /** The namespace the context names, if any. */
  readonly contextNamespace: string | undefined;
  readonly apps: AppsV1Api;
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
  readonly coordination: CoordinationV1Api;
  readonly batch: BatchV1Api;
  readonly rbac: RbacAuthorizationV1Api;
}

/** Loads a kubeconfig and context, failing with exit 2 and the fix when either is missing. */
export function connectCluster(selection: ClusterSelection = {}): Cluster {
  const config = new KubeConfig();
  let source: string;
  if (selection.kubeconfig) {
    if (!fs.existsSync(selection.kubeconfig)) throw new ScenarioError(`kubeconfig ${selection.kubeconfig} does not exist: pass --kubeconfig <file> with a readable kubeconfig`);
    config.loadFromFile(selection.kubeconfig);
    source = path.resolve(selection.kubeconfig);
  } else if (process.env.KUBECONFIG) {
    const files = process.env.KUBECONFIG.split(path.delimiter).filter((f) => f !== "" && fs.existsSync(f));
    if (files.length === 0) throw new ScenarioError(`KUBECONFIG=${process.env.KUBECONFIG} names no existing file: fix KUBECONFIG or pass --kubeconfig <file>`);
    mergeAsKubectl(config, files);
    source = files.length === 1 ? path.resolve(files[0] ?? "") : "$KUBECONFIG";
  } else {
    const home = path.join(os.homedir(), ".kube", "config");
    if (!fs.existsSync(home)) throw new ScenarioError(`no kubeconfig: ${home} does not exist and KUBECONFIG is unset; pass --kubeconfig <file>`);
    config.loadFromFile(home);
    source = home;
  }
  const contexts = config.getContexts().map((c) => c.name);
  const context = selection.context ?? config.getCurrentContext();
  if (!context || !contexts.includes(context)) {
    const asked = selection.context ? `context "${selection.context}"` : "no current-context";
    throw new ScenarioError(`${asked} in ${source} (it has ${contexts.join(", ") || "no contexts"}): pass --context <name>`);
  }
  config.setCurrentContext(context);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new ScenarioError(`context "${context}" in ${source} names no cluster: fix the kubeconfig`);
  return {
    config,
    context,
    server: cluster.server,
    source,
    contextNamespace: config.getContextObject(context)?.namespace,
    apps: config.makeApiClient(AppsV1Api),
    core: config.makeApiClient(CoreV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    batch: config.makeApiClient(BatchV1Api),
    rbac: config.makeApiClient(RbacAuthorizationV1Api),
  };
}

/**
 * kubectl's merge of a $KUBECONFIG list: for each name the first file defining it wins, and so does
 * the first current-context set (client-node's own merge lets later files win).
 */
function mergeAsKubectl(config: KubeConfig, files: string[]): void {
  const parts = files.map((file) => {
    const part = new KubeConfig();
    part.loadFromFile(file);
    return part;
  });
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  config.loadFromOptions({
    clusters: firstByName(parts.map((p) => p.getClusters())),
    users: firstByName(parts.map((p) => p.getUsers())),
    contexts: firstByName(parts.map((p) => p.getContexts())),
    currentContext: parts.map((p) => p.getCurrentContext()).find((c) => c !== "") ?? "",
  });
}

export const mergePatch = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
export const jsonPatch = setHeaderOptions("Content-Type", PatchStrategy.JsonPatch);
export const strategicMergePatch = setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch);

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof ApiException && error.code === 409;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiException && (error.code === 409 || error.code === 422);
}

/** The API server's own reason, e.g. `deployments.apps "x" not found`, without the response dump. */
export function apiMessage(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === "string" ? safeJson(error.body) : error.body;
    const message = body && typeof body === "object" && "message" in body ? String(body.message) : error.message.split("\n")[0];
    return `HTTP ${error.code}: ${message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Runs an API call, turning its failure into a HarnessError that names the action. */
export async function call<T>(action: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof HarnessError || error instanceof ScenarioError) throw error;
    throw new HarnessError(`${action}: ${apiMessage(error)}`, { cause: error });
  }
}
