// `during.load` in a scenario: the flow is checked against the target's flows before anything starts,
// with the file:line:col and a fix; a valid load comes back typed (durations in ms, defaults filled).
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { targetLoadFlows } from "../../bin/targets.ts";
import { loadScenarioText, ScenarioProblems } from "../../helpers/scenario/loader.ts";

test.use({ trace: "off", screenshot: "off", video: "off" });

const VALID = fs.readFileSync("tests/framework/corpus/valid/checkout-under-load.yaml", "utf8");

test("a valid load comes back typed, k6's option names kept", () => {
  const { scenario } = loadScenarioText(VALID, "x.yaml", { env: {}, targetLoadFlows });
  expect(scenario.during.load).toEqual({
    executor: "ramping-arrival-rate",
    flow: "checkout",
    startRate: 5,
    timeUnit: 1_000,
    preAllocatedVUs: 10,
    maxVUs: 20,
    before: 5_000,
    after: 5_000,
    timeout: 10_000,
    workers: 1,
    stages: [
      { target: 20, duration: 10_000 },
      { target: 20, duration: 10_000 },
    ],
    thresholds: {
      "http_req_duration{phase:before}": ["p(95)<500"],
      "http_req_failed{phase:during}": [{ threshold: "rate<0.05", abortOnFail: true, delayAbortEval: 2_000 }],
      checks: ["rate>0.95"],
    },
  });
});

test("an unknown flow is refused at its line, with the flows the target offers", () => {
  const text = VALID.replace("flow: checkout", "flow: chekout");
  let error: unknown;
  try {
    loadScenarioText(text, "x.yaml", { env: {}, targetLoadFlows });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ScenarioProblems);
  const line = text.split("\n").findIndex((l) => l.includes("flow: chekout")) + 1;
  expect((error as ScenarioProblems).message).toContain(`x.yaml:${line}:11  during.load.flow: target sock-shop offers no load flow "chekout"  [unknown_flow]`);
  expect((error as ScenarioProblems).message).toContain('fix: did you mean "checkout"? it offers checkout and browse');
});

test("the shipped target offers checkout and browse", () => {
  expect(targetLoadFlows("sock-shop")).toEqual(["checkout", "browse"]);
  expect(targetLoadFlows("nope")).toBeUndefined();
});
