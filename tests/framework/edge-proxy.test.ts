// The proxy behind every Service and edge of the local platform, in each of its modes, with real
// sockets on loopback: latency is measured, a blackhole times out, HTTP errors come at their rate.
import http from "node:http";
import net from "node:net";
import { expect, test } from "@playwright/test";
import { ServiceProxy } from "../../helpers/platforms/local/service-proxy.ts";

let upstream: http.Server;
let echo: net.Server;
let proxy: ServiceProxy;

const listen = async <S extends net.Server>(server: S): Promise<{ host: string; port: number }> => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: "127.0.0.1", port: (server.address() as net.AddressInfo).port };
};

test.beforeEach(async () => {
  upstream = http.createServer((req, res) => res.end(`ok ${req.url ?? ""}`));
  echo = net.createServer((socket) => socket.pipe(socket));
  proxy = await ServiceProxy.listen("test");
  proxy.setEndpoints([await listen(upstream)]);
  await listen(echo);
});

test.afterEach(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await new Promise((resolve) => echo.close(resolve));
});

const url = (path = "/"): string => `http://127.0.0.1:${proxy.port}${path}`;

async function timed(path = "/"): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(url(path), { signal: AbortSignal.timeout(5_000) });
  await response.text();
  return { status: response.status, ms: performance.now() - started };
}

test("normal mode forwards requests unchanged, and keeps pooled connections", async () => {
  const response = await fetch(url("/hello"));
  expect(await response.text()).toBe("ok /hello");
  expect(proxy.linkCondition).toEqual({ mode: "normal" });
  expect(proxy.serviceCondition).toEqual({ mode: "normal" });
});

test("latency delays every round trip by about the delay, including on connections opened before", async () => {
  expect((await timed()).ms).toBeLessThan(300); // warm, pooled
  expect(proxy.setLinkCondition({ mode: "latency", delayMs: 400, jitterMs: 0 })).toEqual({ mode: "normal" });
  const slow = [await timed(), await timed(), await timed()];
  for (const { status, ms } of slow) {
    expect(status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(395);
    expect(ms).toBeLessThan(3_000);
  }
  proxy.setLinkCondition({ mode: "normal" });
  expect((await timed()).ms).toBeLessThan(300);
});

test("latency with jitter keeps the byte stream in order", async () => {
  proxy.setEndpoints([{ host: "127.0.0.1", port: (echo.address() as net.AddressInfo).port }]);
  proxy.setLinkCondition({ mode: "latency", delayMs: 20, jitterMs: 19 });
  const socket = net.connect({ host: "127.0.0.1", port: proxy.port });
  const sent: string[] = [];
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString()));
  await new Promise((resolve) => socket.once("connect", resolve));
  for (let i = 0; i < 100; i++) {
    sent.push(`<${i}>`);
    socket.write(`<${i}>`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await expect.poll(() => received.length, { timeout: 5_000 }).toBe(sent.join("").length);
  expect(received).toBe(sent.join(""));
  socket.destroy();
});

test("a blackhole accepts connections and never answers; lifting it resets what it held", async () => {
  const held = net.connect({ host: "127.0.0.1", port: proxy.port });
  await new Promise((resolve) => held.once("connect", resolve));
  proxy.setLinkCondition({ mode: "blackhole" });
  // An existing connection is frozen: nothing passes.
  let heldAnswer = "";
  held.on("data", (d: Buffer) => (heldAnswer += d.toString()));
  held.write("GET /frozen HTTP/1.1\r\nHost: x\r\n\r\n");
  // A new one is accepted, and times out.
  const started = performance.now();
  const failure = await fetch(url("/new"), { signal: AbortSignal.timeout(700) }).catch((e: unknown) => e);
  expect((failure as Error).name).toBe("TimeoutError");
  expect(performance.now() - started).toBeGreaterThanOrEqual(650);
  expect(heldAnswer).toBe("");
  const closed = new Promise((resolve) => held.once("close", resolve));
  proxy.setLinkCondition({ mode: "normal" });
  await closed; // reset when the blackhole is lifted
  expect((await timed()).status).toBe(200);
});

test("http-error answers the status with Connection: close, and resets pooled connections on switching", async () => {
  expect((await timed()).status).toBe(200); // leaves a pooled keep-alive connection
  proxy.setServiceCondition({ mode: "http-error", status: 503, rate: 1 });
  const response = await fetch(url("/x"));
  expect(response.status).toBe(503);
  expect(response.headers.get("connection")).toBe("close");
  expect(await response.text()).toBe("gameday: HTTP 503 injected on test\n");
  proxy.setServiceCondition({ mode: "normal" });
  expect((await timed("/back")).status).toBe(200);
});

test("http-error at rate 0.5 fails about half of 200 requests, and forwards the rest intact", async () => {
  proxy.setServiceCondition({ mode: "http-error", status: 502, rate: 0.5 });
  const counts: Record<number, number> = {};
  for (let i = 0; i < 200; i++) {
    const response = await fetch(url(`/r${i}`));
    const body = await response.text();
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    if (response.status === 200) expect(body).toBe(`ok /r${i}`);
  }
  expect(Object.keys(counts).sort()).toEqual(["200", "502"]);
  expect(counts[502]).toBeGreaterThan(60);
  expect(counts[502]).toBeLessThan(140);
});

test("http-error and latency compose: errors come late too", async () => {
  proxy.setServiceCondition({ mode: "http-error", status: 500, rate: 1 });
  proxy.setLinkCondition({ mode: "latency", delayMs: 150, jitterMs: 0 });
  const { status, ms } = await timed();
  expect(status).toBe(500);
  expect(ms).toBeGreaterThanOrEqual(145);
});
