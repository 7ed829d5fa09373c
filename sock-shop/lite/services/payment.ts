// payment: authorises any amount up to the decline threshold (100 in the deployed 0.4.3 image).
import { createServer, Router } from "../lib/http.ts";
import { env, runService } from "../lib/service.ts";

const decline = Number(env("PAYMENT_DECLINE_OVER", "100"));

const router = new Router()
  .post("/paymentAuth", async (req) => {
    const body = (await req.body()) as { amount?: unknown } | undefined;
    const amount = typeof body?.amount === "number" ? body.amount : 0;
    if (!(amount > 0)) {
      return { status: 500, body: { error: "invalid payment amount", status_code: 500, status_text: "Internal Server Error" } };
    }
    const authorised = amount <= decline;
    const message = authorised ? "Payment authorised" : `Payment declined: amount exceeds ${decline.toFixed(2)}`;
    return { status: 200, body: { authorised, message } };
  })
  .get("/health", () => ({ status: 200, body: { health: [{ service: "payment", status: "OK", time: new Date().toISOString() }] } }));

runService("payment", createServer(router));
