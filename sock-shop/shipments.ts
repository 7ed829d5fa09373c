// Where Sock Shop's evidence of shipping lives, strongest first: queue-master's shipment records
// (GET /shipments, our lite extension; the upstream image has none), its "Received shipment task"
// log lines (upstream's too; they name the customer, not the order: counts only), and the
// broker's counters of shipping-task.
import { EvidenceUnavailable, type ShippingEvidenceDeclaration } from "../helpers/target/shipping-evidence.ts";
import type { Endpoints } from "../helpers/target/target.ts";
import type { ShipmentRecord } from "./lite/services/queue-master.ts";
import { QUEUE_CONSUMER, SHIPPING_QUEUE } from "./target.ts";

export type { ShipmentRecord };

/** queue-master's shipment records; EvidenceUnavailable when this queue-master has no GET /shipments. */
export async function shipmentsRecorded(platform: Endpoints): Promise<ShipmentRecord[]> {
  let base: string;
  try {
    base = platform.endpoint(QUEUE_CONSUMER);
  } catch (error) {
    throw new EvidenceUnavailable(`${QUEUE_CONSUMER} is not reachable from this run: ${error instanceof Error ? error.message : String(error)}`);
  }
  const url = `${base}/shipments`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  // Upstream's queue-master (and lite's with SHIPMENTS_EXTENSION=off) has no such route.
  if (response.status === 404) throw new EvidenceUnavailable(`GET ${url} answered 404: this ${QUEUE_CONSUMER} keeps no shipment records (as the upstream image)`);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as ShipmentRecord[];
}

export const SHIPMENT_LOG = /^Received shipment task: (.+)$/;

export const sockShopShipping: ShippingEvidenceDeclaration = {
  identities: { source: `${QUEUE_CONSUMER}'s shipment records (GET /shipments)`, read: shipmentsRecorded },
  logLine: { deployment: QUEUE_CONSUMER, pattern: SHIPMENT_LOG.source },
  queue: SHIPPING_QUEUE,
};
