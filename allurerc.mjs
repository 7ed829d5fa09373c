// Allure 3: one self-contained HTML file (opens from disk, no server), categories per verdict kind.
import { defineConfig } from "allure";

const anywhere = (pattern) => `[\\s\\S]*${pattern}[\\s\\S]*`;

export default defineConfig({
  name: "gameday",
  output: "reports/allure-report",
  // The tree: target › scenario file (labels set by fixtures/scenario-tests.ts), not the spec's path.
  plugins: { awesome: { options: { singleFile: true, reportName: "gameday", groupBy: ["parentSuite", "suite", "subSuite"] } } },
  categories: [
    { name: "Invalid input (exit 2)", traceRegex: anywhere("ScenarioError"), matchedStatuses: ["failed", "broken"] },
    { name: "Harness error (exit 3): environment not ready before the fault", traceRegex: anywhere("EnvironmentNotReady"), matchedStatuses: ["failed", "broken"] },
    { name: "Harness error (exit 3): the fault did not take effect", traceRegex: anywhere("FaultNotEffective"), matchedStatuses: ["failed", "broken"] },
    {
      name: "Harness error (exit 3): injection, environment or platform problem",
      traceRegex: anywhere("(HarnessError|FaultNotEffective|EnvironmentNotReady|QueueMissing)"),
      matchedStatuses: ["failed", "broken"],
    },
    { name: "Finding (exit 1): aborted (an abort condition or the kill switch)", messageRegex: anywhere("\\[aborted\\]"), matchedStatuses: ["failed", "broken"] },
    { name: "Finding (exit 1): recovery", messageRegex: anywhere("\\[recovery\\]"), matchedStatuses: ["failed", "broken"] },
    { name: "Finding (exit 1): backend invariant", messageRegex: anywhere("\\[invariant\\]"), matchedStatuses: ["failed", "broken"] },
    { name: "Finding (exit 1): detection", messageRegex: anywhere("\\[detection\\]"), matchedStatuses: ["failed", "broken"] },
    { name: "Finding (exit 1): resilience (users saw errors)", messageRegex: anywhere("(\\[resilience\\]|expect\\()"), matchedStatuses: ["failed", "broken"] },
  ],
});
