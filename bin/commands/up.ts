// gameday up [--platform kubernetes]: the embedded Sock Shop in the foreground, to look at and to
// game-day by hand; Ctrl-C stops it.
import fs from "node:fs";
import path from "node:path";
import { stateDir } from "../../helpers/core/leftovers.ts";
import { CLUSTER_ENV } from "../../helpers/platforms/kubernetes/settings.ts";
import { LocalPlatform } from "../../helpers/platforms/local/local-platform.ts";
import { EXIT_CODES } from "../../helpers/report/verdict.ts";
import { handleInterrupts, interruptName } from "../interrupts.ts";
import { kubernetesEmbedded } from "../kubernetes.ts";
import { parseCommandLine, PLATFORM_OPTION, platformOf } from "../options.ts";
import { TARGETS } from "../targets.ts";

export async function up(args: string[]): Promise<number> {
  const { values } = parseCommandLine({ command: "up", options: PLATFORM_OPTION, positionals: "none" }, args);
  const platform = platformOf(values.platform) ?? "local";
  const target = TARGETS["sock-shop"];
  if (!target) return EXIT_CODES["harness error"];
  const runId = `up-${Date.now().toString(36)}`;
  const workDir = path.join(stateDir(), "runs");
  const log = (line: string): void => console.log(line);
  const started = performance.now();
  // From the start: an interrupt while the stack starts stops it once it is up (or as it fails).
  const interrupts = handleInterrupts(
    (signal) => console.log(`\n${interruptName(signal)}: stopping the Sock Shop (${interruptName(signal)} again exits at once)`),
    (signal) => {
      console.log(`${interruptName(signal)} again: exited at once; \`npx tsx bin/gameday.ts down\` stops what is left (broker node, monitoring, control plane)`);
      process.exit(EXIT_CODES["harness error"]);
    },
  );
  let stop: () => Promise<void>;
  if (platform === "kubernetes") {
    // A cluster to look at and to run game days against, as if it were your own: no lock is held.
    const { deployEmbeddedTarget } = await kubernetesEmbedded();
    const embedded = await deployEmbeddedTarget({ target, runId, workDir, sharedBrokerUrl: process.env.RABBITMQ_URL, log, namespace: "sock-shop" });
    stop = embedded.stop;
    const kubeconfig = path.relative(process.cwd(), embedded.controlPlane.kubeconfigPath);
    const services = [target.entryService, target.brokerEndpoint, `${target.brokerEndpoint}-management`, ...embedded.local.supervisor.names()];
    const endpoints = [...new Set(services)].flatMap((service) => {
      try {
        return [`${service}=${embedded.local.endpoint(service)}`];
      } catch {
        return [];
      }
    });
    // The broker URL carries credentials: it goes to a file only this user reads, never to the terminal.
    const endpointsFile = path.join(workDir, runId, "endpoints.env");
    fs.writeFileSync(endpointsFile, `${CLUSTER_ENV.endpoints}=${endpoints.join(",")}\n`, { mode: 0o600 });
    console.log(`Sock Shop is up in ${((performance.now() - started) / 1000).toFixed(1)} s on an embedded Kubernetes cluster (namespace ${embedded.namespace})`);
    console.log(`  shop:     ${embedded.local.endpoint(target.entryService)}/   (log in as user / password)`);
    console.log(`  kubectl:  kubectl --kubeconfig ${kubeconfig} -n ${embedded.namespace} get deploy,pods`);
    console.log(`            kubectl --kubeconfig ${kubeconfig} -n ${embedded.namespace} scale deploy/queue-master --replicas=0`);
    console.log(`  game day, as against your own cluster (endpoints in ${path.relative(process.cwd(), endpointsFile)}):`);
    const loadEndpoints = `env "$(cat ${path.relative(process.cwd(), endpointsFile)})"`;
    const stack = embedded.local.monitoringStack;
    const watching = stack ? ` --prometheus ${stack.prometheusUrl} --alertmanager ${stack.alertmanagerUrl}` : "";
    if (stack) console.log(`  monitoring: Prometheus ${stack.prometheusUrl}, Alertmanager ${stack.alertmanagerUrl}`);
    console.log(`            ${loadEndpoints} npx tsx bin/gameday.ts run --platform kubernetes --kubeconfig ${kubeconfig} --namespace ${embedded.namespace} --allow-namespace ${embedded.namespace}${watching} scenarios/queue-consumer-outage.yaml`);
  } else {
    const local = await LocalPlatform.start({ target, runId, workDir, sharedBrokerUrl: process.env.RABBITMQ_URL, log });
    stop = () => local.dispose();
    console.log(`Sock Shop is up in ${(local.bootMs / 1000).toFixed(1)} s (RabbitMQ: ${local.broker.origin}, ${local.broker.display})`);
    console.log(`  shop:   ${local.endpoint(target.entryService)}/   (log in as user / password)`);
  }
  console.log(`  logs:   ${path.relative(process.cwd(), path.join(workDir, runId, "logs"))}/`);
  console.log("Ctrl-C stops everything.");
  await interrupts.first;
  await stop();
  interrupts.dispose();
  console.log("stopped");
  return 0;
}
