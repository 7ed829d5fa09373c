// The load engine: its schedule, thresholds in k6's syntax, and the open model against a real HTTP
// server on loopback (a stall shows as latency and failures, never as fewer samples).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { LoadEngine } from "../../helpers/load/engine.ts";
import { LoadMetrics } from "../../helpers/load/metrics.ts";
import { arrivalOffsets, expectedIterations } from "../../helpers/load/schedule.ts";
import { loadFindings } from "../../helpers/load/spec.ts";
import { phaseSummaries, summaryTable } from "../../helpers/load/summary.ts";
import { judge, parseThresholds } from "../../helpers/load/thresholds.ts";
import type { LoadFlow } from "../../helpers/target/load-flow.ts";

test.use({ trace: "off", screenshot: "off", video: "off" });

test.describe("schedule", () => {
  test("constant-arrival-rate: rate per timeUnit, evenly spaced, fixed in advance", () => {
    const offsets = arrivalOffsets({ executor: "constant-arrival-rate", rate: 10, timeUnit: 1_000, duration: 2_000 });
    expect(offsets.length).toBe(20);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeCloseTo(100);
    expect(offsets[19]).toBeCloseTo(1_900);
    expect(arrivalOffsets({ executor: "constant-arrival-rate", rate: 30, timeUnit: 60_000, duration: 60_000 }).length).toBe(30);
  });

  test("ramping-arrival-rate: the k-th arrival where the area under the rate reaches k", () => {
    const executor = { executor: "ramping-arrival-rate", startRate: 0, timeUnit: 1_000, stages: [{ target: 10, duration: 2_000 }, { target: 10, duration: 1_000 }, { target: 0, duration: 2_000 }] } as const;
    expect(expectedIterations(executor)).toBe(30);
    const offsets = arrivalOffsets(executor);
    expect(offsets.length).toBe(30);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i] as number).toBeGreaterThanOrEqual(offsets[i - 1] as number);
    // Ramp 0 → 10/s over 2 s: area t²·(10/2)/2 s → the 5th arrival at sqrt(5·2/5)=1 s... area(1 s) = 2.5, so arrival 4 (k=4) at ~1.26 s.
    expect(offsets[4]).toBeCloseTo(Math.sqrt(4 / 2.5) * 1_000, 0);
    // The flat stage: 10 arrivals, 100 ms apart, from 2 s.
    expect(offsets[10]).toBeCloseTo(2_000, 0);
    expect(offsets[11]).toBeCloseTo(2_100, 0);
    expect(offsets[29] as number).toBeLessThanOrEqual(5_000);
  });
});

test.describe("thresholds", () => {
  test("k6's syntax: aggregations, operators, the phase tag, abortOnFail", () => {
    const { thresholds, problems } = parseThresholds({
      "http_req_duration{phase:during}": ["p(95)<1500", "avg<=200", "med<100", "max<3000"],
      "http_req_failed{phase:after}": [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: 2_000 }],
      dropped_iterations: ["count==0"],
      checks: ["rate>0.99"],
    });
    expect(problems).toEqual([]);
    expect(thresholds.map((t) => [t.metric, t.phase, t.aggregation, t.operator, t.bound, t.abortOnFail])).toEqual([
      ["http_req_duration", "during", "p(95)", "<", 1500, false],
      ["http_req_duration", "during", "avg", "<=", 200, false],
      ["http_req_duration", "during", "med", "<", 100, false],
      ["http_req_duration", "during", "max", "<", 3000, false],
      ["http_req_failed", "after", "rate", "<", 0.01, true],
      ["dropped_iterations", undefined, "count", "==", 0, false],
      ["checks", undefined, "rate", ">", 0.99, false],
    ]);
    expect(thresholds[4]?.delayAbortEvalMs).toBe(2_000);
  });

  test("malformed thresholds are problems with a fix, never exceptions", () => {
    const { problems } = parseThresholds({
      "http_req_duraton{phase:during}": ["p(95)<1500"],
      "http_req_duration{status:500}": ["p(95)<1500"],
      "http_req_duration{phase:later}": ["p(95)<1500"],
      http_req_failed: ["p(95)<0.1", "rate<<1", "rate < 0.01"],
      iteration_duration: ["p(120)<10"],
    });
    expect(problems.map((p) => p.message)).toEqual([
      'gameday\'s load has no metric "http_req_duraton"',
      '"status:500" is not a tag gameday records: load metrics are tagged by phase only',
      '"later" is not a phase of the fault clock',
      'http_req_failed is a rate, which has no "p(95)"',
      '"rate<<1" is not a threshold expression',
      "p(120) is not a percentile",
    ]);
    for (const p of problems) expect(p.fix).toMatch(/\S/);
  });

  test("judged per phase; a phase the load never reached fails instead of passing on nothing", () => {
    const metrics = new LoadMetrics(0);
    for (let i = 0; i < 100; i++) {
      metrics.scheduled("before", i * 10);
      metrics.request("before", i * 10, 20, false);
      metrics.scheduled("during", 1_000 + i * 10);
      metrics.request("during", 1_000 + i * 10, i < 90 ? 30 : 3_000, i >= 90);
    }
    const { thresholds } = parseThresholds({
      "http_req_duration{phase:before}": ["p(95)<500"],
      "http_req_duration{phase:during}": ["p(95)<500"],
      "http_req_failed{phase:during}": ["rate<0.01"],
      "http_req_failed{phase:after}": ["rate<0.01"],
      dropped_iterations: ["count<1"],
    });
    const results = thresholds.map((t) => judge(t, metrics.phases, metrics.total(), 10));
    expect(results.map((r) => r.passed)).toEqual([true, false, false, false, true]);
    expect(results[1]?.message).toMatch(/^http_req_duration\{phase:during\} p\(95\)<500 failed in phase during: p\(95\) was 30\d\d\.\d ms, bound < 500\.0 ms \(100 samples\)$/);
    expect(results[2]?.message).toContain("rate was 0.1000, bound < 0.0100");
    expect(results[3]?.message).toMatch(/no load ran in phase after/);
  });
});

test.describe("during.load checks", () => {
  const base = { executor: "constant-arrival-rate", flow: "checkout", rate: 10, duration: "30s", preAllocatedVUs: 5 };
  test("caps, phases that do not fit, and malformed thresholds are located findings", () => {
    const caps = { rate: 100, durationMs: 60_000, iterations: 1_000, vus: 50, workers: 4, pods: 3 };
    expect(loadFindings(base, caps)).toEqual([]);
    const codes = (raw: unknown) => loadFindings(raw, caps).map((f) => `${f.path.join(".")} ${f.code}`);
    expect(codes({ ...base, rate: 500 })).toEqual(["rate over_cap", "duration over_cap"]);
    expect(codes({ ...base, duration: "2m" })).toEqual(["duration over_cap", "duration over_cap"]);
    expect(codes({ ...base, maxVUs: 60 })).toEqual(["maxVUs over_cap"]);
    expect(codes({ ...base, maxVUs: 2 })).toEqual(["maxVUs vus"]);
    expect(codes({ ...base, before: "20s", after: "10s" })).toEqual(["before no_during"]);
    expect(codes({ ...base, thresholds: { "http_req_duration{phase:during}": ["p95<1500"] } })).toEqual(["thresholds.http_req_duration{phase:during}.0 bad_threshold"]);
    expect(codes({ ...base, workers: 4 })).toEqual([]);
    expect(codes({ ...base, workers: 5 })).toEqual(["workers over_cap"]);
    expect(codes({ ...base, workers: 4, preAllocatedVUs: 3 })).toEqual(["workers vus"]);
    expect(codes({ ...base, distributed: { pods: 3 } })).toEqual([]);
    expect(codes({ ...base, distributed: { pods: 4 } })).toEqual(["distributed.pods over_cap"]);
    expect(codes({ ...base, distributed: { pods: 2 }, workers: 2 })).toEqual(["workers distributed_workers"]);
  });
});

/** A loopback server: /stall holds requests while `stalled` is set; /login sets a cookie; /whoami echoes it. */
async function server(): Promise<{ url: string; state: { stalled: boolean; hits: number }; close: () => Promise<void> }> {
  const state = { stalled: false, hits: 0 };
  const held: http.ServerResponse[] = [];
  const srv = http.createServer((req, res) => {
    state.hits++;
    if (req.url === "/login") {
      res.writeHead(200, { "set-cookie": [`sid=${Math.random().toString(36).slice(2)}; Path=/; HttpOnly`] }).end("ok");
    } else if (req.url === "/whoami") {
      res.end(req.headers.cookie ?? "");
    } else if (state.stalled) {
      held.push(res);
    } else {
      res.end("fine");
    }
  });
  srv.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    state,
    close: () => {
      for (const r of held) r.destroy();
      srv.closeAllConnections();
      return new Promise((resolve) => srv.close(() => resolve()));
    },
  };
}

test.describe("the open model against a real server", () => {
  test("a stall keeps the schedule: latency from the intended start, timeouts counted, excess dropped", async () => {
    const s = await server();
    try {
      const flow: LoadFlow = { description: "one GET", iteration: async (session) => void session.check("answered", (await session.request("GET", "/x")).ok) };
      const engine = new LoadEngine({ flow, baseUrl: s.url, executor: { executor: "constant-arrival-rate", rate: 50, timeUnit: 1_000, duration: 4_000 }, maxVUs: 10, timeoutMs: 1_000 });
      await engine.start();
      // As the runner does: the phase moves once the fault is in place, and back once it is gone.
      setTimeout(() => engine.setPhase("inject"), 940);
      setTimeout(() => (s.state.stalled = true), 950);
      setTimeout(() => engine.setPhase("during"), 1_000);
      setTimeout(() => (s.state.stalled = false), 2_500);
      setTimeout(() => engine.setPhase("after"), 2_550);
      const outcome = await engine.done();
      const rows = phaseSummaries(outcome, engine.intervalMs());
      const by = Object.fromEntries(rows.map((r) => [r.phase, r]));
      // Every arrival was either sent or dropped: the schedule did not slow down.
      expect(outcome.reached).toBe(200);
      const during = outcome.metrics.phases.get("during");
      expect(during?.scheduled).toBeGreaterThanOrEqual(45);
      expect((during?.http_reqs ?? 0) + (during?.dropped_iterations ?? 0)).toBe(during?.scheduled);
      // 10 VUs each held 1 s take 10/s: at 50/s most stalled arrivals find no VU, and every held request fails.
      expect(during?.dropped_iterations).toBeGreaterThan(20);
      expect(by.during?.errors).toBeGreaterThanOrEqual(12);
      expect(by.during?.p95Ms).toBeGreaterThanOrEqual(1_000);
      // Before and after the stall the server answers (a busy machine may time out one or two).
      expect(by.before?.errors ?? 99).toBeLessThanOrEqual(((by.before?.requests ?? 0) * 0.1));
      expect(by.before?.p50Ms).toBeLessThan(500);
      expect(by.after?.requests).toBeGreaterThan(20);
      // Lateness is measured for every arrival (its figures belong to bench/load.ts, not to a test).
      expect(outcome.lateness.count).toBe(200);
      expect(summaryTable(rows)).toMatch(/^phase\s+iterations\s+requests\s+req\/s\s+p50\s+p95\s+p99\s+errors\s+dropped$/m);
    } finally {
      await s.close();
    }
  });

  test("each iteration has its own cookie jar", async () => {
    const s = await server();
    try {
      const seen: string[] = [];
      const flow: LoadFlow = {
        description: "log in, then ask who I am",
        async iteration(session) {
          const before = await session.request("GET", "/whoami");
          await session.request("GET", "/login");
          const after = await session.request("GET", "/whoami");
          seen.push(`${before.body}|${after.body}`);
          return undefined;
        },
      };
      const engine = new LoadEngine({ flow, baseUrl: s.url, executor: { executor: "constant-arrival-rate", rate: 20, timeUnit: 1_000, duration: 500 }, maxVUs: 10, timeoutMs: 1_000 });
      await engine.start();
      await engine.done();
      expect(seen.length).toBe(10);
      for (const line of seen) expect(line).toMatch(/^\|sid=\w+$/);
      expect(new Set(seen).size).toBe(10);
    } finally {
      await s.close();
    }
  });

  test("abortOnFail stops the schedule at once and says which bound failed", async () => {
    const s = await server();
    try {
      s.state.stalled = true;
      const flow: LoadFlow = { description: "one GET", iteration: async (session) => void (await session.request("GET", "/x")) };
      const { thresholds } = parseThresholds({ http_req_failed: [{ threshold: "rate<0.5", abortOnFail: true }] });
      let aborted = "";
      const engine = new LoadEngine({ flow, baseUrl: s.url, executor: { executor: "constant-arrival-rate", rate: 20, timeUnit: 1_000, duration: 10_000 }, maxVUs: 50, timeoutMs: 300, thresholds, onAbort: (r) => (aborted = r.message) });
      await engine.start();
      const outcome = await engine.done();
      expect(aborted).toMatch(/^http_req_failed\{\} rate<0.5 failed in the whole load: rate was 1\.0000/);
      expect(outcome.reached).toBeLessThan(80);
      expect(outcome.aborted?.passed).toBe(false);
    } finally {
      await s.close();
    }
  });

  test("a request in flight when the fault clock first moves counts in the next phase", () => {
    const flow: LoadFlow = { description: "nothing", iteration: () => Promise.resolve(undefined) };
    const engine = new LoadEngine({ flow, baseUrl: "http://127.0.0.1:9", executor: { executor: "constant-arrival-rate", rate: 1, timeUnit: 1_000, duration: 1_000 }, maxVUs: 1, timeoutMs: 100 });
    engine.setPhase("inject", 1_000);
    engine.setPhase("during", 2_000);
    engine.setPhase("after", 3_000);
    expect(engine.phaseOfRequest(500, 900)).toBe("before");
    expect(engine.phaseOfRequest(900, 1_100)).toBe("inject");
    expect(engine.phaseOfRequest(900, 2_500)).toBe("inject");
    expect(engine.phaseOfRequest(1_500, 2_500)).toBe("inject");
    expect(engine.phaseOfRequest(2_500, 3_500)).toBe("during");
    expect(engine.phaseOfRequest(3_500, 3_600)).toBe("after");
  });

  test("refuses a host that is not loopback unless pointed at a cluster", () => {
    const flow: LoadFlow = { description: "nothing", iteration: () => Promise.resolve(undefined) };
    const options = { flow, baseUrl: "http://example.com", executor: { executor: "constant-arrival-rate", rate: 1, timeUnit: 1_000, duration: 1_000 } as const, maxVUs: 1, timeoutMs: 100 };
    expect(() => new LoadEngine(options)).toThrow(/HarnessError|only loopback/);
    expect(() => new LoadEngine({ ...options, allowRemote: true })).not.toThrow();
  });
});
