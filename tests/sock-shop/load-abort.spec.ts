// abortOnFail through the whole runner: a during threshold that fails mid-fault reverts the faults at
// once and ends the game day with a resilience finding, instead of holding the fault to its planned end.
import { classifyFailure, expect, InvariantViolation, test } from "../../fixtures/index.ts";
import { runScenario } from "../../fixtures/scenario-runner.ts";
import { LOAD_SUMMARY_ANNOTATION, type PhaseSummary } from "../../helpers/load/summary.ts";
import { loadScenario } from "../../helpers/scenario/loader.ts";

test("orders-blackhole-under-load with abortOnFail on its during threshold: reverted at once, ended as a finding", async ({ page, platform, queues, chaos, timeline, target, journeyCatalogue }) => {
  const loaded = loadScenario("scenarios/orders-blackhole-under-load.yaml");
  const failure = await runScenario(loaded, { page, platform, queues, chaos, timeline, target, journeyCatalogue }, {
    // A long fault window (25 s planned) and a short request timeout: the abort must come long before the planned revert.
    load: (spec, flow) => {
      if (spec.executor !== "constant-arrival-rate") throw new Error("orders-blackhole-under-load's load is expected at a constant arrival rate");
      const thresholds = { "http_req_failed{phase:during}": [{ threshold: "rate<0.01", abortOnFail: true, delayAbortEval: spec.before + 1_000 }] };
      return { spec: { ...spec, timeout: 2_000, duration: 35_000, thresholds }, flow };
    },
  }).then(() => undefined, (error: unknown) => error as Error);

  expect(failure, "the game day held through a blackhole with an abortOnFail threshold").toBeInstanceOf(InvariantViolation);
  const error = failure as InvariantViolation;
  expect(error.kind).toBe("resilience");
  expect(classifyFailure([{ message: error.message, stack: error.stack }])).toBe("finding");
  expect(error.message).toMatch(/^\[resilience\] load threshold with abortOnFail failed, so the faults were reverted at once and the game day ended: http_req_failed\{phase:during\} rate<0\.01/);

  // Reverted by the abort itself: the chaos fixture's teardown has not run yet.
  const link = await platform.measureLink("front-end", "orders", 3_000);
  expect(link.outcome, "front-end → orders is still held open after the abort").toBe("answered");

  // The game day ended at the abort: the load never reached its after phase.
  const rows = JSON.parse(test.info().annotations.find((a) => a.type === LOAD_SUMMARY_ANNOTATION)?.description ?? "[]") as PhaseSummary[];
  expect(rows.find((r) => r.phase === "during")?.errors ?? 0, "no failed request in phase during: what did the threshold judge?").toBeGreaterThan(0);
  expect(rows.find((r) => r.phase === "after")?.requests ?? 0, "the load ran on into phase after: the schedule was not stopped").toBe(0);
});
