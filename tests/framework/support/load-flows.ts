// A flow catalogue for the load's own tests, importable by worker processes and pods: `order` asks a
// loopback test server for an order (POST /order answers {"id": …}) and returns it for reconciliation;
// `slow-order` adds a query the server reads as a delay.
import type { LoadFlowCatalogue, LoadSession } from "../../../helpers/target/load-flow.ts";

async function order(session: LoadSession, path: string): Promise<{ orders: { orderId: string; shipmentId: string }[] } | undefined> {
  const placed = await session.request("POST", path, { name: "POST /order" });
  if (!session.check("order placed", placed.status === 201)) return undefined;
  const { id } = JSON.parse(placed.body) as { id: string };
  return { orders: [{ orderId: id, shipmentId: `shipment-${id}` }] };
}

export const testLoadFlows: LoadFlowCatalogue = {
  service: "test-server",
  flows: {
    order: { description: "place one order", iteration: (session) => order(session, "/order") },
    "slow-order": { description: "place one order, answered after 30-60 ms", iteration: (session) => order(session, `/order?delay=${30 + (session.iteration % 31)}`) },
  },
  source: { module: import.meta.url, exportName: "testLoadFlows" },
};
