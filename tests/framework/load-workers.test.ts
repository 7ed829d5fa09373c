// `during.load.workers: N`: real child processes share one schedule against a loopback server. The
// merged figures must be those of one engine (same iterations; percentiles over the union of the raw
// values; phases tagged by the run's clock), every order merged; a worker that dies is named; no
// worker outlives the load, whichever way it ends.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { HarnessError } from "../../helpers/core/errors.ts";
import { LoadEngine } from "../../helpers/load/engine.ts";
import type { EventBatch } from "../../helpers/load/events.ts";
import { Trend } from "../../helpers/load/metrics.ts";
import type { ConstantArrivalRate } from "../../helpers/load/schedule.ts";
import { catalogueSource, shareConfigs } from "../../helpers/load/share.ts";
import { parseThresholds } from "../../helpers/load/thresholds.ts";
import { LoadWorkers } from "../../helpers/load/workers.ts";
import { testLoadFlows } from "./support/load-flows.ts";

test.use({ trace: "off", screenshot: "off", video: "off" });

/** POST /order answers a fresh order id (after ?delay= ms); `issued` holds every id it gave. */
async function orderServer(): Promise<{ url: string; issued: string[]; close: () => Promise<void> }> {
  const issued: string[] = [];
  const srv = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const answer = (): void => {
      const id = `o${issued.length + 1}`;
      issued.push(id);
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id }));
    };
    req.resume();
    const delay = Number(url.searchParams.get("delay") ?? 0);
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    issued,
    close: () => {
      srv.closeAllConnections();
      return new Promise((resolve) => srv.close(() => resolve()));
    },
  };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function workersFor(url: string, flow: string, executor: ConstantArrivalRate, workers: number, maxVUs: number, extra: Partial<ConstructorParameters<typeof LoadWorkers>[0]> = {}): LoadWorkers {
  const base = { catalogue: catalogueSource(testLoadFlows, "test"), flow, baseUrl: url, executor, timeoutMs: 2_000, allowRemote: false };
  return new LoadWorkers({ shares: shareConfigs(base, maxVUs, workers, "t"), ...extra });
}

test("three workers give what one engine gives: the same iterations, percentiles over the union, every order", async () => {
  test.setTimeout(90_000);
  const s = await orderServer();
  try {
    const executor: ConstantArrivalRate = { executor: "constant-arrival-rate", rate: 40, timeUnit: 1_000, duration: 1_500 };
    const one = new LoadEngine({ flow: testLoadFlows.flows["slow-order"] as never, baseUrl: s.url, executor, maxVUs: 60, timeoutMs: 2_000 });
    await one.start();
    const single = await one.done();
    const issuedBySingle = s.issued.length;

    const batches: { worker: number; batch: EventBatch }[] = [];
    const run = workersFor(s.url, "slow-order", executor, 3, 60, { onBatch: (worker, batch) => batches.push({ worker, batch }) });
    await run.start();
    const pids = run.pids;
    expect(pids.every(alive)).toBe(true);
    // The fault clock moves in the parent; the workers never hear of it.
    const movedAt = run.t0 + 700;
    run.setPhase("during", movedAt);
    const outcome = await run.done();

    // Same schedule, same count as one engine (every arrival ran or, on a stalled machine, was dropped
    // and counted); each worker took every third iteration.
    expect(outcome.planned).toBe(60);
    expect(outcome.reached).toBe(60);
    const all = outcome.metrics.total();
    expect(all.scheduled).toBe(single.metrics.total().scheduled);
    expect(all.iterations + all.dropped_iterations).toBe(60);
    expect(single.metrics.total().iterations + single.metrics.total().dropped_iterations).toBe(60);
    expect(all.http_reqs).toBe(all.iterations);
    const arrivalsOf = (w: number): number => batches.filter((b) => b.worker === w).reduce((n, b) => n + b.batch.arrivals.length / 3, 0);
    expect([arrivalsOf(0), arrivalsOf(1), arrivalsOf(2)]).toEqual([20, 20, 20]);
    // All shares keyed to the same instant: the union of their intended starts is the one schedule.
    const intended = batches.flatMap((b) => b.batch.arrivals.filter((_, i) => i % 3 === 0)).map((t) => Math.round((t - outcome.startedAt) * 1_000) / 1_000).sort((a, b) => a - b);
    expect(intended).toEqual(Array.from({ length: 60 }, (_, k) => Math.round(k * 25 * 1_000) / 1_000));

    // Percentiles of the merged histogram are those of every raw duration together, not an average.
    const union = new Trend();
    for (const { batch } of batches) for (let i = 0; i < batch.requests.length; i += 3) union.add(batch.requests[i + 1] as number);
    const merged = outcome.metrics.total().http_req_duration;
    expect(merged.count).toBe(all.http_reqs);
    for (const p of [50, 95, 99, 100]) expect(merged.percentile(p)).toBe(union.percentile(p));
    expect(merged.percentile(50)).toBeGreaterThanOrEqual(30);

    // Phases tagged from the run's clock, by when each arrival was due.
    const before = intended.filter((t) => t + outcome.startedAt < movedAt).length;
    expect(outcome.metrics.phases.get("before")?.scheduled).toBe(before);
    expect(outcome.metrics.phases.get("during")?.scheduled).toBe(60 - before);
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(60);

    // Every order the workers' flows placed came back once, and only those.
    expect(s.issued.length - issuedBySingle).toBe(all.iterations);
    expect(outcome.orders.map((o) => o.orderId).sort()).toEqual(s.issued.slice(issuedBySingle).sort());

    // No worker outlives its share.
    expect(pids.filter(alive)).toEqual([]);
  } finally {
    await s.close();
  }
});

test("a worker that dies is a harness error naming it, and the other workers are stopped", async () => {
  test.setTimeout(60_000);
  const s = await orderServer();
  let failure: HarnessError | undefined;
  const run = workersFor(s.url, "order", { executor: "constant-arrival-rate", rate: 20, timeUnit: 1_000, duration: 20_000 }, 2, 4, { onFailure: (e) => (failure = e) });
  try {
    await run.start();
    const pids = run.pids;
    await expect.poll(() => run.metrics.total().http_reqs, { timeout: 10_000 }).toBeGreaterThan(0);
    process.kill(pids[1] as number, "SIGKILL");
    await expect(run.done()).rejects.toThrow(new RegExp(`load worker 2 of 2 \\(pid ${pids[1]}\\) was killed by SIGKILL before its share was done`));
    expect(failure).toBeInstanceOf(HarnessError);
    expect(pids.filter(alive)).toEqual([]);
    expect(run.reachedSoFar).toBeLessThan(400);
  } finally {
    await run.close();
    await s.close();
  }
});

test("abortOnFail, judged in the parent, stops every worker at once", async () => {
  test.setTimeout(60_000);
  const s = await orderServer();
  const { thresholds } = parseThresholds({ http_req_duration: [{ threshold: "p(95)<5", abortOnFail: true }] });
  let aborted = "";
  const run = workersFor(s.url, "slow-order", { executor: "constant-arrival-rate", rate: 20, timeUnit: 1_000, duration: 20_000 }, 2, 10, { thresholds, onAbort: (r) => (aborted = r.message) });
  try {
    await run.start();
    const pids = run.pids;
    const outcome = await run.done();
    expect(aborted).toMatch(/http_req_duration.* p\(95\)<5 failed/);
    expect(outcome.aborted?.message).toBe(aborted);
    expect(outcome.reached).toBeLessThan(outcome.planned / 2);
    expect(pids.filter(alive)).toEqual([]);
  } finally {
    await run.close();
    await s.close();
  }
});

test("close() ends workers that are still running (the teardown path)", async () => {
  test.setTimeout(60_000);
  const s = await orderServer();
  const run = workersFor(s.url, "order", { executor: "constant-arrival-rate", rate: 10, timeUnit: 1_000, duration: 60_000 }, 2, 4);
  try {
    await run.start();
    const pids = run.pids;
    expect(pids.every(alive)).toBe(true);
    await run.close();
    expect(pids.filter(alive)).toEqual([]);
    const outcome = await run.done();
    expect(outcome.reached).toBeLessThan(100);
  } finally {
    await s.close();
  }
});
