// Before the HTML report is built: the game day first in each test result. The timeline chart and
// the key times are made at the end of a game day (the chart in the timeline fixture's teardown, so
// allure-playwright files it under "After Hooks"); a reader wants them first, above the steps. And
// the page's heading names the scenario file, not ../fixtures/scenario-tests.ts.
import fs from "node:fs";
import path from "node:path";

/** Attachment steps moved to the top of a result, in this order. */
export const FIRST = ["timeline chart", "key times"] as const;

interface AllureStep {
  name?: string;
  steps?: AllureStep[];
  attachments?: { name?: string }[];
}

/** Takes the attachment step named `name` out of the tree (the first found, depth first). */
function take(steps: AllureStep[], name: string): AllureStep | undefined {
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!step) continue;
    if (step.name === name && (step.steps ?? []).length === 0 && (step.attachments ?? []).some((a) => a.name === name)) {
      steps.splice(i, 1);
      return step;
    }
    const found = take(step.steps ?? [], name);
    if (found) return found;
  }
  return undefined;
}

interface AllureResult {
  name?: string;
  fullName?: string;
  steps?: AllureStep[];
  parameters?: { name: string; value: string }[];
}

/**
 * Reorders one result: the chart, then the key times, then everything else as it was. A scenario's
 * full name (the heading of its page) becomes its file:line, not the fixture file that registers it.
 */
export function gameDayFirst(result: AllureResult): boolean {
  const steps = result.steps ?? [];
  const moved = FIRST.map((name) => take(steps, name)).filter((s): s is AllureStep => s !== undefined);
  const location = result.parameters?.find((p) => p.name === "scenario file")?.value;
  if (location !== undefined) result.fullName = `${location} › ${result.name ?? ""}`;
  if (moved.length === 0 && location === undefined) return false;
  result.steps = [...moved, ...steps];
  return true;
}

/** Applies gameDayFirst to every *-result.json in an allure-results directory. */
export function putGameDayFirst(resultsDir: string): void {
  for (const name of fs.readdirSync(resultsDir).filter((n) => n.endsWith("-result.json"))) {
    const file = path.join(resultsDir, name);
    const result = JSON.parse(fs.readFileSync(file, "utf8")) as AllureResult;
    if (gameDayFirst(result)) fs.writeFileSync(file, JSON.stringify(result));
  }
}
