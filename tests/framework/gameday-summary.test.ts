// `gameday run` as a person sees it, on the real embedded target: the terminal output (one line per
// phase and check with its outcome and time, the verdict, the key times, the report paths; no tags,
// no fixture names), a failed check shown at its line of the scenario file with the YAML around it,
// and the summary page opened in Chromium (matrix, score, executive summary, trend).
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { gameday, type CliResult } from "./support/cli.ts";

test.describe.configure({ mode: "serial", timeout: 360_000 });

const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;
let reports = "";
let env: NodeJS.ProcessEnv = {};

/** A game day whose consumer never comes back: the drain check in after must fail, at its line. */
const NEVER_RECOVERS = `name: consumer-never-returns
description: >
  queue-master is scaled to zero and never scaled back; the backlog cannot drain, and the game day
  must say so at the line of the check that expects the drain.
severity: critical
target: sock-shop
steady-state:
  - mode: eventually
    probe: { kind: queue, name: shipping-task }
    expect: { consumers: 1, depth: 0 }
    within: 30s
faults:
  - kind: scale
    deployment: queue-master
    replicas: 0
proof:
  - mode: eventually
    probe: { kind: queue, name: shipping-task }
    expect: { consumers: 0 }
    within: 5s
during:
  journeys:
    - journey: checkout
      count: 1
      user: user
recover: { revert: false }
after:
  - mode: eventually
    description: the backlog drains
    probe: { kind: queue, name: shipping-task }
    expect: { depth: 0 }
    within: 7s
report:
  timeline:
    - { kind: queue, name: shipping-task }
`;

function lines(result: CliResult): string[] {
  return result.stdout.replace(ansi, "").split("\n");
}

test.beforeAll(() => {
  reports = path.join(test.info().project.outputDir, "gameday-summary-reports");
  fs.rmSync(reports, { recursive: true, force: true });
  const { CI: _ci, ...rest } = process.env; // not CI: gameday run prints for a person
  env = { ...rest, GAMEDAY_REPORTS_DIR: reports, GAMEDAY_STATE_DIR: path.join(reports, "state") };
});

test("a passing game day prints its phases and checks, the verdict, the key times and where the reports are", async () => {
  const run = await gameday(["run", "--var", "orders=2", "scenarios/queue-consumer-outage.yaml"], env);
  await test.info().attach("terminal", { body: run.output, contentType: "text/plain" });
  expect(run.code, run.output).toBe(0);
  const out = lines(run);
  expect(out).toContain("▶ queue-consumer-outage   scenarios/queue-consumer-outage.yaml:2");
  expect(out.some((l) => l.startsWith("  │ queue-master, the only consumer of shipping-task"))).toBe(true);
  for (const phase of ["preflight", "inject", "during", "recover", "after", "detect"]) {
    expect(out.some((l) => new RegExp(`^  ✓ ${phase}   \\d+(\\.\\d)? (ms|s)$`).test(l)), `a line for the ${phase} phase`).toBe(true);
  }
  expect(out.some((l) => /^ {6}✓ eventually: queue shipping-task consumers = 1 and depth = 0 within 30\.0 s {3}\d+(\.\d)? (ms|s)$/.test(l))).toBe(true);
  expect(out.some((l) => /^ {6}✓ eventually: queue shipping-task the backlog drains within 30\.0 s {3}/.test(l))).toBe(true);
  expect(out.some((l) => /^ {6,8}✓ revert: scale deployment queue-master to 0 {3}/.test(l))).toBe(true);
  expect(out.some((l) => /^✓ queue-consumer-outage passed in \d/.test(l))).toBe(true);
  expect(out).toContain("gameday verdict: passed (1 passed, 0 failed)");
  expect(out.some((l) => /^ {2}queue-consumer-outage: monitoring noticed in .*; recovered in .*; drained in /.test(l))).toBe(true);
  expect(out.some((l) => /^ {2}summary: .*summary\.html {3}\(resilience score 100 of 100\)$/.test(l))).toBe(true);
  expect(out.some((l) => /^ {2}report: .*allure-report\/index\.html/.test(l))).toBe(true);
  // Nothing a person has no use for: tags, fixture files, Playwright's project brackets.
  expect(run.stdout).not.toMatch(/@scenario|@headline|scenario-tests\.ts|fixtures\/|\[sock-shop\]/);
});

test("a failed check points at its line of the scenario file, with the YAML around it", async () => {
  const file = path.join(reports, "consumer-never-returns.yaml");
  fs.writeFileSync(file, NEVER_RECOVERS);
  const run = await gameday(["run", file], env);
  await test.info().attach("terminal", { body: run.output, contentType: "text/plain" });
  expect(run.code, run.output).toBe(1);
  const out = lines(run);
  const relative = path.relative(process.cwd(), file);
  const drainLine = NEVER_RECOVERS.split("\n").findIndex((l) => l.includes("description: the backlog drains")); // 0-based: the entry's "- mode" is the line before
  expect(out.some((l) => /^ {6}✗ eventually: queue shipping-task the backlog drains within 7\.00 s {3}7\.\d s$/.test(l)), run.stdout).toBe(true);
  // Long waits show progress with the latest reading, even without a terminal (every 5 s).
  expect(out.some((l) => /^ {6}… waiting: depth 1, [5-6]\.\d s of 7\.0 s — queue shipping-task the backlog drains/.test(l)), run.stdout).toBe(true);
  expect(out.some((l) => /^✗ consumer-never-returns: finding \(recovery\) after \d/.test(l)), run.stdout).toBe(true);
  const at = out.findIndex((l) => l === `  ${relative}:${drainLine}  after[0]`);
  expect(at, run.stdout).toBeGreaterThan(0);
  expect(out.slice(at + 1, at + 5)).toEqual([
    `    ${drainLine - 1} | after:`,
    `  > ${drainLine} |   - mode: eventually`,
    `       |   ^`,
    `    ${drainLine + 1} |     description: the backlog drains`,
  ]);
  expect(out[at + 5]).toBe("  expected: queue shipping-task the backlog drains within 7.00 s");
  expect(out[at + 6]).toMatch(/^ {2}observed: queue shipping-task: expected depth = 0 within 7\.00 s after "recover \(skipped\)", not reached after 7\.\d+ s and \d+ samples; last value seen .*"depth":1/);
  expect(out).toContain("gameday verdict: finding (0 passed, 1 failed)");
  expect(run.stdout).not.toMatch(/helpers\/invariants|temporal\.ts|@scenario|scenario-tests\.ts/);
});

test("the Allure report leads with the game day: grouped by target › scenario file, the chart first", () => {
  const results = path.join(reports, "allure-results");
  const result = fs
    .readdirSync(results)
    .filter((n) => n.endsWith("-result.json"))
    .map((n) => JSON.parse(fs.readFileSync(path.join(results, n), "utf8")) as { name: string; labels: { name: string; value: string }[]; parameters: { name: string; value: string }[]; steps: { name: string }[]; description?: string; fullName?: string })
    .find((r) => r.name === "consumer-never-returns");
  expect(result).toBeDefined();
  const label = (name: string): string[] => (result?.labels ?? []).filter((l) => l.name === name).map((l) => l.value);
  expect(label("parentSuite")).toEqual(["sock-shop"]);
  expect(label("suite")).toEqual(["consumer-never-returns.yaml"]);
  expect(result?.parameters).toContainEqual(expect.objectContaining({ name: "scenario file", value: expect.stringMatching(/consumer-never-returns\.yaml:1$/) }));
  expect(result?.description).toMatch(/^queue-master is scaled to zero and never scaled back/);
  expect(result?.steps[0]?.name).toBe("timeline chart");
  expect(result?.fullName).toMatch(/consumer-never-returns\.yaml:1 › consumer-never-returns$/);
  expect(fs.existsSync(path.join(reports, "allure-report", "index.html"))).toBe(true);
});

test("the summary page shows the matrix, the score, the executive summary and the trend", async ({ page }) => {
  const summary = path.join(reports, "summary.html");
  expect(fs.existsSync(summary)).toBe(true);
  expect(fs.readdirSync(path.join(reports, "history"))).toHaveLength(2);
  await page.goto(`file://${summary}`);
  await test.info().attach("summary page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  // Critical (weight 5), a finding with 4 of 5 judged expectations held: floor(100 × 5 × ½ × ⅘ / 5) = 40.
  await expect(page.locator(".score")).toHaveAttribute("data-score", "40");
  await expect(page.locator(".verdict")).toHaveText("finding");
  const executive = page.locator("#executive-summary");
  await expect(executive).toContainText("1 scenario ran against sock-shop.");
  await expect(executive).toContainText("Finding (critical, recovery): in consumer-never-returns, expected queue shipping-task the backlog drains within 7.00 s, observed queue shipping-task: expected depth = 0");
  await expect(executive).toContainText("Resilience score: 40 of 100, down from 100 in the previous run.");
  await expect(page.locator("ol.findings li")).toHaveCount(1);
  await expect(page.locator("ol.findings li")).toContainText("consumer-never-returns");
  const rows = page.locator("table.matrix tbody tr");
  await expect(rows.locator("td.where code")).toHaveText(["steady-state[0]", "faults[0]", "proof[0]", "during.journeys", "after[0]"]);
  await expect(rows.locator("td.outcome")).toHaveText(["held", "held", "held", "held", "violated"]);
  await expect(page.locator('tr[data-path="after[0]"]')).toContainText(/consumer-never-returns\.yaml:28/);
  await expect(page.locator(".chart svg")).toBeVisible();
  // The trend: the earlier passing run and this one.
  const trend = page.locator("table.trend");
  await expect(trend.locator("tbody tr").first()).toHaveText(/score\s*100\s*40/);
  await expect(trend).toContainText("queue-consumer-outage");
  await expect(trend).toContainText("consumer-never-returns");
  await expect(page.locator("svg.score-trend circle")).toHaveCount(2);
});
