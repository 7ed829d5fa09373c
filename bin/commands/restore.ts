// gameday restore: revert what the ledger says crashed runs left applied, stop what they left running;
// with --namespace, also revert every game-day change recorded on that namespace's objects.
import path from "node:path";
import { restorers } from "../../helpers/platforms/restorers.ts";
import { sweepLeftoverVhosts } from "../../helpers/broker/rabbitmq.ts";
import { orphaned, stateDir } from "../../helpers/core/leftovers.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { formatRestore, restore as restoreLedger } from "../../helpers/ledger/restore.ts";
import { describeSwept, sweepOrphans } from "../../helpers/platforms/orphans.ts";
import { clusterSettingsFromEnv } from "../../helpers/platforms/kubernetes/settings.ts";
import { EXIT_CODES } from "../../helpers/report/verdict.ts";
import { kubernetesCluster, kubernetesRestore } from "../kubernetes.ts";
import { CLUSTER_CONNECTION_OPTIONS, clusterEnvOf, parseCommandLine } from "../options.ts";

export async function restore(args: string[]): Promise<number> {
  let namespaceLeftAlone = 0;
  const { values } = parseCommandLine({ command: "restore", options: CLUSTER_CONNECTION_OPTIONS, positionals: "none" }, args);
  const settings = clusterSettingsFromEnv({ ...process.env, ...clusterEnvOf(values) });
  const ledger = new Ledger(path.join(stateDir(), "ledger.jsonl"));
  const outcomes = await restoreLedger(ledger, restorers);
  console.log(formatRestore(outcomes));
  if (settings.namespace) {
    const { connectCluster } = await kubernetesCluster();
    const { restoreNamespace } = await kubernetesRestore();
    const cluster = connectCluster({ kubeconfig: settings.kubeconfig, context: settings.context });
    const swept = await restoreNamespace(cluster, settings.namespace, { skipLiveLockHolder: true });
    const lines = [...swept.actions, ...swept.leftAlone.map((l) => `left alone: ${l}`)];
    console.log(`namespace ${settings.namespace} (${cluster.context}): ${lines.length > 0 ? `\n  ${lines.join("\n  ")}` : "no game-day change left on its objects"}`);
    namespaceLeftAlone = swept.leftAlone.length;
  }
  for (const line of describeSwept(await sweepOrphans())) console.log(`${line} left by crashed runs`);
  if (process.env.RABBITMQ_URL) {
    const vhosts = await sweepLeftoverVhosts(process.env.RABBITMQ_URL);
    if (vhosts > 0) console.log(`deleted ${vhosts} vhost(s) left by crashed runs on RABBITMQ_URL`);
  }
  const remaining = orphaned("rabbitmq-node").length + orphaned("vhost").length;
  if (remaining > 0) console.log(`${remaining} broker leftover(s) could not be removed: see ${path.join(stateDir(), "leftovers")}`);
  return outcomes.every((o) => o.reverted) && remaining === 0 && namespaceLeftAlone === 0 ? 0 : EXIT_CODES["harness error"];
}
