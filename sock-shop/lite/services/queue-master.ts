// queue-master: the only consumer of shipping-task. Prefetch 1, ack after handling, requeue on
// error, one log line per task, and (our extension) a durable record of every shipment handled so
// orders can be reconciled with shipments. SHIPMENTS_EXTENSION=off runs it as the upstream image:
// no records and no GET /shipments (404), so only the log lines and the broker's counters tell.
import type amqp from "amqplib";
import { createServer, Router } from "../lib/http.ts";
import { connect, declareShippingTopology, SHIPPING_QUEUE } from "../lib/rabbit.ts";
import { Collection } from "../lib/store.ts";
import { env, runService } from "../lib/service.ts";

export interface ShipmentRecord {
  shipmentId: string;
  name: string;
  receivedAt: string;
  redelivered: boolean;
  consumer: string;
}

const rabbitUrl = env("RABBITMQ_URL");
const recoveryIntervalMs = Number(env("RECOVERY_INTERVAL_MS", "5000"));
const extension = env("SHIPMENTS_EXTENSION", "on");
if (extension !== "on" && extension !== "off") {
  console.error(`SHIPMENTS_EXTENSION must be "on" or "off", not "${extension}"`);
  process.exit(78);
}
const shipments = extension === "on" ? Collection.in<ShipmentRecord>(env("DATA_DIR"), "shipments") : undefined;
const consumerName = `queue-master-${process.pid}`;
let connection: amqp.ChannelModel | undefined;
let consuming = false;
let stopping = false;

async function handle(channel: amqp.Channel, message: amqp.ConsumeMessage): Promise<void> {
  let shipment: { id?: unknown; name?: unknown };
  try {
    shipment = JSON.parse(message.content.toString("utf8")) as typeof shipment;
  } catch {
    // A message that cannot be converted is rejected without requeue, as spring-amqp does.
    console.log(`Dropping unreadable message ${message.fields.deliveryTag}`);
    channel.nack(message, false, false);
    return;
  }
  try {
    console.log(`Received shipment task: ${String(shipment.name)}`);
    // Keyed by delivery so a redelivered task shows up as a second shipment, as it would upstream.
    shipments?.put(`${String(shipment.id)}#${Date.now()}#${message.fields.deliveryTag}`, {
      shipmentId: String(shipment.id),
      name: String(shipment.name),
      receivedAt: new Date().toISOString(),
      redelivered: message.fields.redelivered,
      consumer: consumerName,
    });
    channel.ack(message);
  } catch (error) {
    console.error(`Failed to handle shipment task: ${error instanceof Error ? error.message : String(error)}`);
    channel.nack(message, false, true);
  }
}

async function consume(): Promise<void> {
  const conn = await connect(rabbitUrl);
  connection = conn;
  const channel = await conn.createChannel();
  channel.on("error", () => undefined);
  await declareShippingTopology(channel);
  await channel.prefetch(1);
  await channel.consume(SHIPPING_QUEUE, (message) => {
    if (message) void handle(channel, message);
  });
  consuming = true;
  console.log(`Consuming ${SHIPPING_QUEUE}`);
  conn.on("close", () => {
    consuming = false;
    connection = undefined;
    if (!stopping) {
      console.log(`Lost the broker connection; retrying every ${recoveryIntervalMs} ms`);
      scheduleConsume(recoveryIntervalMs);
    }
  });
}

function scheduleConsume(delayMs: number): void {
  setTimeout(() => {
    consume().catch((error: unknown) => {
      console.log(`Cannot consume ${SHIPPING_QUEUE}: ${error instanceof Error ? error.message : String(error)}`);
      if (!stopping) scheduleConsume(recoveryIntervalMs);
    });
  }, delayMs);
}

const router = new Router();
if (shipments) router.get("/shipments", () => ({ status: 200, body: shipments.all() }));
router.get("/health", () => {
  const date = new Date().toISOString();
  return {
    status: 200,
    body: { health: [{ service: "queue-master", status: "OK", date }, { service: "queue-master-rabbitmq", status: consuming ? "OK" : "err", date }] },
  };
});

scheduleConsume(0);
runService("queue-master", createServer(router), async () => {
  stopping = true;
  await connection?.close().catch(() => undefined);
});
