// gameday abort: the kill switch. Every game day running on this machine (same project directory, or
// GAMEDAY_STATE_DIR) — or only those on --target — reverts its faults at once and ends as "aborted"
// (a finding, exit 1), within about a second. With --namespace (+ --kubeconfig, --context) it also
// sets the annotation on that namespace's lock Lease, which stops a game day run from any machine.
import { requestAbort } from "../../helpers/platforms/kill-switch.ts";
import { clusterSettingsFromEnv } from "../../helpers/platforms/kubernetes/settings.ts";
import { kubernetesCluster, kubernetesSafety } from "../kubernetes.ts";
import { CLUSTER_CONNECTION_OPTIONS, clusterEnvOf, parseCommandLine } from "../options.ts";

const ABORT_OPTIONS = {
  reason: { value: "text" },
  target: { value: "name" },
  ...CLUSTER_CONNECTION_OPTIONS,
} as const;

export async function abort(args: string[]): Promise<number> {
  const { values } = parseCommandLine({ command: "abort", options: ABORT_OPTIONS, positionals: "none" }, args);
  const reason = values.reason ?? "stopped from the command line";
  const request = requestAbort(reason, values.target);
  console.log(`abort requested for every game day ${request.target ? `on target ${request.target} ` : ""}on this machine: ${reason}`);
  const settings = clusterSettingsFromEnv({ ...process.env, ...clusterEnvOf(values) });
  if (values.namespace !== undefined && settings.namespace) {
    const { connectCluster } = await kubernetesCluster();
    const { leaseKillSwitch } = await kubernetesSafety();
    const cluster = connectCluster({ kubeconfig: settings.kubeconfig, context: settings.context });
    const killSwitch = leaseKillSwitch(cluster, settings.namespace);
    await killSwitch.request(reason);
    console.log(`kill switch set: ${killSwitch.where}`);
  }
  return 0;
}
