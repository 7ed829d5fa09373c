// gameday down: stop what crashed runs left behind (private RabbitMQ nodes, embedded control planes).
import { sweepOrphanedNodes } from "../../helpers/broker/rabbitmq.ts";
import { orphaned } from "../../helpers/core/leftovers.ts";
import { sweepOrphanedControlPlanes } from "../../helpers/platforms/kubernetes/control-plane.ts";
import { parseCommandLine } from "../options.ts";

export async function down(args: string[]): Promise<number> {
  parseCommandLine({ command: "down", options: {}, positionals: "none" }, args);
  const nodes = await sweepOrphanedNodes();
  const planes = await sweepOrphanedControlPlanes();
  const vhosts = orphaned("vhost").length;
  console.log(`stopped ${nodes} private RabbitMQ node(s) and ${planes} embedded control-plane process(es) left by crashed runs`);
  if (vhosts > 0) console.log(`${vhosts} vhost(s) of crashed runs remain on RABBITMQ_URL; the next run with RABBITMQ_URL removes them`);
  return 0;
}
