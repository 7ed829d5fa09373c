// Where Sock Shop's evidence lives: queue-master's shipment records (our extension, GET /shipments)
// and its "Received shipment task" log lines.
import type { Endpoints } from "../helpers/target/target.ts";
import type { ShipmentRecord } from "./lite/services/queue-master.ts";

export type { ShipmentRecord };

export async function shipmentsRecorded(platform: Endpoints): Promise<ShipmentRecord[]> {
  const url = `${platform.endpoint("queue-master")}/shipments`;
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as ShipmentRecord[];
}

export const SHIPMENT_LOG = /^Received shipment task: (.+)$/;
