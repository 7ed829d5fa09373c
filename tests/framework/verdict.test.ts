import { expect, test } from "@playwright/test";
import { classifyFailure, combine, EXIT_CODES, findingKind } from "../../helpers/report/verdict.ts";

test("error families map to the exit codes of the CI contract", () => {
  expect(classifyFailure([{ stack: "InvariantViolation: [recovery] queue shipping-task: expected depth 0 …" }])).toBe("finding");
  expect(classifyFailure([{ message: "Error: expect(locator).toBeVisible() failed" }])).toBe("finding");
  expect(classifyFailure([{ stack: "FaultNotEffective: fault did not take effect" }])).toBe("harness error");
  expect(classifyFailure([{ stack: "EnvironmentNotReady: steady state not reached" }])).toBe("harness error");
  expect(classifyFailure([{ stack: "ScenarioError: scenarios/x.yaml:3:5 …" }])).toBe("invalid input");
  expect(classifyFailure([{ stack: "TypeError: cannot read properties of undefined" }])).toBe("harness error");
  expect(EXIT_CODES).toEqual({ passed: 0, finding: 1, "invalid input": 2, "harness error": 3 });
});

test("a broken revert next to a finding is a harness error: the run cannot be trusted", () => {
  expect(classifyFailure([{ stack: "InvariantViolation: [invariant] …" }, { stack: "AggregateError: HarnessError: 1 fault(s) failed to revert" }])).toBe(
    "harness error",
  );
});

test("the least trustworthy verdict of a run wins", () => {
  expect(combine(["passed", "finding"])).toBe("finding");
  expect(combine(["finding", "harness error"])).toBe("harness error");
  expect(combine(["harness error", "invalid input", "passed"])).toBe("invalid input");
  expect(combine([])).toBe("passed");
});

test("the finding kind is read from the violation", () => {
  expect(findingKind([{ message: "InvariantViolation: [recovery] queue q" }])).toBe("recovery");
  expect(findingKind([{ message: "Error: other" }])).toBeUndefined();
});

test("Playwright's coloured assertion messages are still recognised", () => {
  expect(classifyFailure([{ message: "Error: \u001b[2mexpect(\u001b[22m\u001b[31mreceived\u001b[39m\u001b[2m).\u001b[22mtoContain" }])).toBe("finding");
});
