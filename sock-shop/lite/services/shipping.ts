// shipping: accepts a shipment and publishes it to RabbitMQ; like upstream it answers 201 even
// when the broker is down ("Accepting anyway. Don't do this for real!").
import type amqp from "amqplib";
import { createServer, HttpError, Router } from "../lib/http.ts";
import { connect, declareShippingTopology, SHIPMENT_TYPE_ID, SHIPPING_QUEUE } from "../lib/rabbit.ts";
import { env, runService } from "../lib/service.ts";

const rabbitUrl = env("RABBITMQ_URL");
let channel: Promise<amqp.ConfirmChannel> | undefined;
let connection: amqp.ChannelModel | undefined;

function openChannel(): Promise<amqp.ConfirmChannel> {
  channel ??= (async () => {
    const conn = await connect(rabbitUrl);
    connection = conn;
    conn.on("close", () => {
      channel = undefined;
      connection = undefined;
    });
    const ch = await conn.createConfirmChannel();
    ch.on("error", () => undefined);
    ch.on("close", () => (channel = undefined));
    await declareShippingTopology(ch);
    return ch;
  })().catch((error: unknown) => {
    channel = undefined;
    throw error;
  });
  return channel;
}

async function publish(shipment: { id: string; name: string }): Promise<void> {
  const ch = await openChannel();
  ch.publish("", SHIPPING_QUEUE, Buffer.from(JSON.stringify(shipment), "utf8"), {
    contentType: "application/json",
    contentEncoding: "UTF-8",
    persistent: true,
    priority: 0,
    headers: { __TypeId__: SHIPMENT_TYPE_ID },
  });
}

const router = new Router()
  .post("/shipping", async (req) => {
    const body = (await req.body()) as { id?: unknown; name?: unknown } | undefined;
    if (typeof body?.id !== "string" || typeof body.name !== "string") throw new HttpError(400, "a shipment needs an id and a name");
    const shipment = { id: body.id, name: body.name };
    console.log("Adding shipment to queue...");
    try {
      await publish(shipment);
    } catch {
      console.log("Unable to add to queue (the queue is probably down). Accepting anyway. Don't do this for real!");
    }
    return { status: 201, body: shipment };
  })
  .get("/shipping", () => ({ status: 200, raw: "GET ALL Shipping Resource.", headers: { "content-type": "text/plain" } }))
  .get("/shipping/:id", (req) => ({ status: 200, raw: `GET Shipping Resource with id: ${req.params.id ?? ""}`, headers: { "content-type": "text/plain" } }))
  .get("/health", async () => {
    let rabbit = "OK";
    try {
      await openChannel();
    } catch {
      rabbit = "err";
    }
    const date = new Date().toISOString();
    return { status: 200, body: { health: [{ service: "shipping-rabbitmq", status: rabbit, date }, { service: "shipping", status: "OK", date }] } };
  });

runService("shipping", createServer(router), async () => {
  await connection?.close().catch(() => undefined);
});
