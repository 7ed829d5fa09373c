// The load engine, measured: printed as ratios from one run, never asserted (these machines are shared).
//   npx tsx bench/load.ts                      engine CPU vs a bare undici loop, schedule lateness,
//                                              orders/s against the embedded Sock Shop, 100k reconciled
//   npx tsx bench/load.ts --campaign 10000     also a campaign: that many load orders through the
//                                              embedded Sock Shop, every one reconciled (0 lost, 0 duplicated)
//   --rate N (orders/s offered by the campaign, default 50), --campaign-only, --quick (shorter runs)
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Agent, request } from "undici";
import { LoadEngine } from "../helpers/load/engine.ts";
import { reconcile } from "../helpers/invariants/reconcile.ts";
import { LocalPlatform } from "../helpers/platforms/local/local-platform.ts";
import type { LoadFlow } from "../helpers/target/load-flow.ts";
import type { OrderRef } from "../helpers/target/journey.ts";
import { checkoutFlow } from "../sock-shop/load-flows.ts";
import { shipmentsRecorded } from "../sock-shop/shipments.ts";
import { sockShop } from "../sock-shop/target.ts";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = args.includes("--quick");
const campaign = Number(option("--campaign") ?? 0);
const campaignRate = Number(option("--rate") ?? 50);
/** Only the campaign (skip the engine, reconciliation and rate measurements). */
const campaignOnly = args.includes("--campaign-only");
const rows: string[][] = [];
const row = (...cells: string[]): void => void rows.push(cells);
const f = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : "—");
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1_000;
};

// ---- 1. engine overhead: a one-request flow against a trivial server in another process ------------
if (!campaignOnly) await engineAndReconcile();
async function engineAndReconcile(): Promise<void> {
const server = spawn(process.execPath, ["-e", "const s=require('http').createServer((q,r)=>r.end('ok'));s.keepAliveTimeout=5000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((resolve) => server.stdout.once("data", (d: Buffer) => resolve(Number(String(d).trim()))));
const base = `http://127.0.0.1:${port}`;
const oneGet: LoadFlow = { description: "one GET", iteration: async (s) => void (await s.request("GET", "/")) };

const RATE = 2_000;
const SECONDS = quick ? 3 : 8;
{
  const engine = new LoadEngine({ flow: oneGet, baseUrl: base, executor: { executor: "constant-arrival-rate", rate: RATE, timeUnit: 1_000, duration: SECONDS * 1_000 }, maxVUs: 200, timeoutMs: 5_000 });
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  await engine.start();
  const outcome = await engine.done();
  const cpu = cpuMs() - cpu0;
  const wall = performance.now() - wall0;
  const total = outcome.metrics.total();
  const perThousandEngine = (cpu / total.http_reqs) * 1_000;

  // The bare loop: the same number of requests, 50 at a time, as fast as they go.
  const agent = new Agent({ connections: 200, pipelining: 1 });
  let left = total.http_reqs;
  const cpu1 = cpuMs();
  const wall1 = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (left-- > 0) await (await request(base, { dispatcher: agent })).body.text();
    }),
  );
  const bareCpu = cpuMs() - cpu1;
  const bareWall = performance.now() - wall1;
  await agent.close();
  const perThousandBare = (bareCpu / total.http_reqs) * 1_000;
  row(`engine CPU per 1,000 requests (${RATE}/s offered for ${SECONDS} s, ${total.http_reqs} sent, ${total.dropped_iterations} dropped)`, `${f(perThousandEngine)} ms`, `bare undici loop ${f(perThousandBare)} ms (${f(total.http_reqs / (bareWall / 1_000), 0)} req/s)`, `${f(perThousandEngine / perThousandBare, 2)}×`);
  row(`engine share of one core at ${RATE} req/s`, `${f((cpu / wall) * 100, 0)}%`, `p95 ${f(total.http_req_duration.percentile(95), 2)} ms`, "");
  row("schedule lateness (intended → actual start)", `p99 ${f(outcome.lateness.percentile(99), 2)} ms`, `p50 ${f(outcome.lateness.percentile(50), 2)} ms, max ${f(outcome.lateness.max, 1)} ms`, "");
}
server.kill();

// ---- 2. reconciliation at load scale -------------------------------------------------------------------
{
  const n = 100_000;
  const orders: OrderRef[] = Array.from({ length: n }, (_, i) => ({ orderId: `o${i}`, shipmentId: `s${i}` }));
  const shipments = [...orders.map((o) => ({ shipmentId: o.shipmentId })), ...Array.from({ length: 1_000 }, (_, i) => ({ shipmentId: `other${i}` }))].reverse();
  const t0 = performance.now();
  const result = reconcile(orders, shipments);
  const took = performance.now() - t0;
  const t1 = performance.now();
  const bare = new Set(shipments.map((s) => s.shipmentId));
  let found = 0;
  for (const o of orders) if (bare.has(o.shipmentId)) found++;
  const bareTook = performance.now() - t1;
  row(`reconcile ${n.toLocaleString("en")} orders against ${shipments.length.toLocaleString("en")} shipments`, `${f(took)} ms (${result.shippedOnce.length} once, ${result.missing.length} missing)`, `bare Set lookup ${f(bareTook)} ms (${found})`, `${f(took / bareTook, 2)}×`);
}

}

// ---- 3. the embedded Sock Shop: checkout orders/s at rising offered rates --------------------------------
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-bench-load-"));
const platform = await LocalPlatform.start({ target: sockShop, runId: `bench-load-${Date.now().toString(36)}`, workDir });
const frontEnd = platform.endpoint("front-end");
const all: OrderRef[] = [];
async function offer(rate: number, seconds: number, vus = Math.max(20, rate * 2)): Promise<{ orders: number; p95: number; errors: number; dropped: number; cpuShare: number }> {
  const engine = new LoadEngine({ flow: checkoutFlow, baseUrl: frontEnd, executor: { executor: "constant-arrival-rate", rate, timeUnit: 1_000, duration: seconds * 1_000 }, maxVUs: vus, timeoutMs: 10_000, onOrders: (o) => all.push(...o) });
  await engine.start();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  const outcome = await engine.done();
  const total = outcome.metrics.total();
  return { orders: outcome.orders.length, p95: total.http_req_duration.percentile(95), errors: total.http_req_failed.passes, dropped: total.dropped_iterations, cpuShare: (cpuMs() - cpu0) / (performance.now() - wall0) };
}
try {
  const seconds = quick ? 5 : 10;
  for (const rate of campaignOnly ? [] : quick ? [20, 80] : [20, 50, 100, 200]) {
    const r = await offer(rate, seconds);
    row(`embedded Sock Shop, checkout offered ${rate} orders/s for ${seconds} s`, `${f(r.orders / seconds)} orders/s placed`, `p95 ${f(r.p95, 0)} ms, ${r.errors} failed requests, ${r.dropped} dropped, engine ${f(r.cpuShare * 100, 0)}% of a core`, `${f(r.orders / (rate * seconds), 2)} of offered`);
  }

  // ---- 4. the campaign: N orders, every one reconciled against queue-master's shipment records --------
  if (campaign > 0) {
    // Rounds of 60 s at the offered rate until the campaign's count of orders is placed (a stack
    // that sustains less than the rate drops iterations; the campaign counts what was placed).
    all.length = 0;
    const t0 = performance.now();
    let r = { orders: 0, p95: NaN, errors: 0, dropped: 0, cpuShare: 0 };
    let errors = 0;
    let dropped = 0;
    while (all.length < campaign) {
      const seconds = Math.min(60, Math.ceil((campaign - all.length) / campaignRate) + 1);
      r = await offer(campaignRate, seconds, campaignRate * 4);
      errors += r.errors;
      dropped += r.dropped;
    }
    r = { ...r, errors, dropped };
    const seconds = Math.round((performance.now() - t0) / 1_000);
    const placedIn = (performance.now() - t0) / 1_000;
    let result = reconcile(all, await shipmentsRecorded(platform));
    for (let i = 0; i < 120 && result.missing.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = reconcile(all, await shipmentsRecorded(platform));
    }
    row(
      `campaign: ${campaignRate} orders/s offered for ${seconds} s (${f(all.length / placedIn, 1)} placed/s)`,
      `${result.placed} orders placed, ${result.missing.length} lost, ${result.duplicated.length} duplicated`,
      `p95 ${f(r.p95, 0)} ms (last round), ${r.errors} failed requests, ${r.dropped} dropped`,
      result.placed >= campaign && result.missing.length === 0 && result.duplicated.length === 0 ? "reconciled" : "NOT reconciled",
    );
  }
} finally {
  await platform.dispose();
}

const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length))) ?? [];
console.log(`\ngameday load benchmark (${os.cpus().length} cores, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")})\n`);
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  │  "));
