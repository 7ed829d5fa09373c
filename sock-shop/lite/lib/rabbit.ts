// The shipping-task topology exactly as upstream shipping and queue-master declare it: declaring it
// with other flags would fail with PRECONDITION_FAILED against the real services.
import amqp from "amqplib";

export const SHIPPING_QUEUE = "shipping-task";
export const SHIPPING_EXCHANGE = "shipping-task-exchange";
export const SHIPMENT_TYPE_ID = "works.weave.socks.shipping.entities.Shipment";

export async function declareShippingTopology(channel: amqp.Channel): Promise<void> {
  await channel.assertQueue(SHIPPING_QUEUE, { durable: false, exclusive: false, autoDelete: false });
  await channel.assertExchange(SHIPPING_EXCHANGE, "topic", { durable: true, autoDelete: false });
  await channel.bindQueue(SHIPPING_QUEUE, SHIPPING_EXCHANGE, SHIPPING_QUEUE);
}

/** Connects with a short heartbeat so a frozen peer is noticed in seconds, not minutes. */
export async function connect(url: string): Promise<amqp.ChannelModel> {
  const withHeartbeat = new URL(url);
  if (!withHeartbeat.searchParams.has("heartbeat")) withHeartbeat.searchParams.set("heartbeat", "5");
  const connection = await amqp.connect(withHeartbeat.toString(), { timeout: 5_000 });
  connection.on("error", () => undefined); // a 'close' always follows; callers react to that
  return connection;
}
