// gameday down: stop what crashed runs left behind (private RabbitMQ nodes, monitoring stacks, embedded control planes).
import { orphaned } from "../../helpers/core/leftovers.ts";
import { sweepOrphans } from "../../helpers/platforms/orphans.ts";
import { parseCommandLine } from "../options.ts";

export async function down(args: string[]): Promise<number> {
  parseCommandLine({ command: "down", options: {}, positionals: "none" }, args);
  const swept = await sweepOrphans();
  const vhosts = orphaned("vhost").length;
  console.log(`stopped ${swept.brokerNodes} private RabbitMQ node(s), ${swept.monitoringStacks} monitoring stack(s) and ${swept.controlPlaneProcesses} embedded control-plane process(es) left by crashed runs`);
  if (vhosts > 0) console.log(`${vhosts} vhost(s) of crashed runs remain on RABBITMQ_URL; the next run with RABBITMQ_URL removes them`);
  return 0;
}
