// `gameday run --facilitate` driven as a facilitator drives it: in a real terminal (tmux), on the
// embedded target. One run approved, predicted, continued at both checkpoints, noted and finished,
// its predictions on the summary page; one declined at the plan (nothing mutated); one aborted in the
// middle of the fault (every fault reverted, the ledger closed); and the refusal without a terminal.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { gameday } from "./support/cli.ts";
import { TmuxTerminal } from "./support/tmux.ts";

test.describe.configure({ mode: "serial", timeout: 420_000 });

const SCENARIO = "scenarios/queue-consumer-outage.yaml";
/** steady state, proof, two during invariants, two after checks, one detect: the scenario's expectations. */
const EXPECTATIONS = 7;

function setup(name: string): { dir: string; reports: string; state: string; terminal: TmuxTerminal } {
  const dir = test.info().outputPath(name);
  fs.rmSync(dir, { recursive: true, force: true });
  const reports = path.join(dir, "reports");
  const state = path.join(dir, "state");
  const { CI: _ci, ...rest } = process.env;
  const env = { ...rest, GAMEDAY_REPORTS_DIR: reports, GAMEDAY_STATE_DIR: state };
  const terminal = new TmuxTerminal([process.execPath, "--import", "tsx", "bin/gameday.ts", "run", "--facilitate", "--var", "orders=2", SCENARIO], { cwd: process.cwd(), env, dir });
  return { dir, reports, state, terminal };
}

/** Waits until the terminal shows `pattern` (the count-th time); returns the screen. */
async function until(terminal: TmuxTerminal, pattern: RegExp, what: string, timeout: number, count = 1): Promise<string> {
  let screen = "";
  await expect
    .poll(
      () => {
        screen = terminal.screen();
        const seen = screen.match(new RegExp(pattern.source, "g"))?.length ?? 0;
        return seen >= count || terminal.exitCode() !== undefined ? seen >= count : false;
      },
      { message: `the terminal shows ${what}`, timeout, intervals: [250] },
    )
    .toBe(true);
  return screen;
}

async function answerPredictions(terminal: TmuxTerminal, answers: string[]): Promise<void> {
  for (const [i, answer] of answers.entries()) {
    await until(terminal, /the team predicts \[h\/f\/u\]:/, `prediction prompt ${i + 1}`, 10_000, i + 1);
    terminal.type(answer);
  }
}

interface ScenarioSummary {
  status: string;
  verdict: string;
  standing: string;
  message?: string;
  rows: { path: string; outcome: string; predicted?: string }[];
  facilitated?: { predictions: { right: number; wrong: number; unscored: number }; notes: { text: string }[] };
}

/** The run's only scenario as reports/gameday.json has it. */
function summaryOf(reports: string): ScenarioSummary {
  const [scenario] = (JSON.parse(fs.readFileSync(path.join(reports, "gameday.json"), "utf8")) as { scenarios: ScenarioSummary[] }).scenarios;
  if (!scenario) throw new Error(`no scenario in ${reports}/gameday.json`);
  return scenario;
}

async function attachScreen(terminal: TmuxTerminal, name: string): Promise<string> {
  const screen = terminal.screen();
  await test.info().attach(name, { body: screen, contentType: "text/plain" });
  return screen;
}

test("a facilitated run: approve, predict, continue at both checkpoints, note, finish; the summary shows the predictions", async ({ page }) => {
  const { reports, state, terminal } = setup("approved");
  try {
    const plan = await until(terminal, /Approve this plan\? Nothing has been touched yet\. \[y\/N\]/, "the approval question", 60_000);
    expect(plan).toContain("MUTATES: scale deployment queue-master to 0");
    terminal.type("y");
    // holds ×5, the reconciliation predicted to fail (it will hold: a wrong prediction), detection unsure.
    await answerPredictions(terminal, ["h", "h", "h", "holds", "h", "f", ""]);
    await until(terminal, />>> checkpoint: before inject\./, "the checkpoint before inject", 240_000);
    expect(new Ledger(path.join(state, "ledger.jsonl")).entries(), "nothing injected before the facilitator continues").toEqual([]);
    terminal.type("");
    await until(terminal, /▸ during/, "the during phase", 60_000);
    // The CLI hears of phases over the run channel, a moment after the terminal shows them: wait for the first journey.
    await until(terminal, /journey checkout 1\//, "the first checkout under the fault", 60_000);
    terminal.type("customers still see Order placed");
    await until(terminal, />>> noted: "customers still see Order placed"/, "the note acknowledged", 10_000);
    await until(terminal, />>> checkpoint: before revert\./, "the checkpoint before revert", 240_000);
    expect(new Ledger(path.join(state, "ledger.jsonl")).outstanding(), "the fault is applied while the team looks").toHaveLength(1);
    terminal.type("");
    await until(terminal, /gameday verdict: /, "the verdict", 180_000);
    await expect.poll(() => terminal.exitCode(), { timeout: 30_000 }).toBeDefined();
    const screen = await attachScreen(terminal, "terminal");
    expect(screen).toContain(">>> continuing past \"before inject\"");
    expect(screen).toContain(">>> continuing past \"before revert\"");
    expect(screen).toContain("gameday verdict: passed (1 passed, 0 failed)");
    expect(terminal.exitCode()).toBe(0);
    expect(new Ledger(path.join(state, "ledger.jsonl")).outstanding()).toEqual([]);

    // The predictions in gameday.json and on the summary page, against what happened.
    const scenario = summaryOf(reports);
    expect(scenario.rows.filter((r) => r.predicted !== undefined)).toHaveLength(EXPECTATIONS);
    expect(scenario.rows.find((r) => r.path === "after[1]")).toMatchObject({ predicted: "fails", outcome: "held" });
    expect(scenario.facilitated?.predictions).toEqual({ right: 5, wrong: 1, unscored: 1 });
    expect(scenario.facilitated?.notes.map((n) => n.text)).toEqual(["customers still see Order placed"]);
    await page.goto(`file://${path.join(reports, "summary.html")}`);
    await expect(page.locator("table.matrix thead")).toContainText("team predicted");
    await expect(page.locator(".predictions")).toHaveText("Team predictions: 5 right, 1 wrong, 1 not scored (unsure, or never judged).");
    await expect(page.locator('tr[data-path="after[1]"] td.predicted')).toHaveText("it fails ✗ wrong");
    await expect(page.locator('tr[data-path="after[0]"] td.predicted')).toHaveText("it holds ✓ right");
    await expect(page.locator(".notes")).toContainText("customers still see Order placed");
    // The note is on the timeline chart too.
    await expect(page.locator("figure.chart svg")).toContainText("facilitator: customers still see Order placed");
    await test.info().attach("summary page", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });
  } finally {
    terminal.close();
  }
});

test("a plan the facilitator declines mutates nothing", async () => {
  const { reports, state, terminal } = setup("declined");
  try {
    await until(terminal, /Approve this plan\?/, "the approval question", 60_000);
    terminal.type("n");
    await until(terminal, /not approved/, "the refusal acknowledged", 10_000);
    await expect.poll(() => terminal.exitCode(), { timeout: 10_000 }).toBe(2);
    const screen = await attachScreen(terminal, "terminal");
    expect(screen).toContain('gameday: not approved (answered "n"): nothing was started and nothing was mutated.');
    expect(fs.existsSync(path.join(state, "ledger.jsonl")) ? new Ledger(path.join(state, "ledger.jsonl")).entries() : []).toEqual([]);
    expect(fs.existsSync(path.join(reports, "verdict.json")), "no test ran").toBe(false);
    expect(screen).not.toContain("the team predicts");
  } finally {
    terminal.close();
  }
});

test("abort in the middle of the fault reverts every fault at once and ends with the facilitator's verdict", async () => {
  const { reports, state, terminal } = setup("aborted");
  try {
    await until(terminal, /Approve this plan\?/, "the approval question", 60_000);
    terminal.type("y");
    await answerPredictions(terminal, Array.from({ length: EXPECTATIONS }, () => ""));
    await until(terminal, />>> checkpoint: before inject\./, "the checkpoint before inject", 240_000);
    terminal.type("");
    // Mid-fault: the first checkout under the fault has started.
    await until(terminal, /▸ during/, "the during phase", 60_000);
    // The CLI hears of phases over the run channel, a moment after the terminal shows them: wait for the first journey.
    await until(terminal, /journey checkout 1\//, "the first checkout under the fault", 60_000);
    expect(new Ledger(path.join(state, "ledger.jsonl")).outstanding(), "the fault is applied").toHaveLength(1);
    terminal.type("abort");
    await until(terminal, />>> aborting during the during phase \(by the facilitator\): reverting every fault now/, "the abort acknowledged", 10_000);
    await until(terminal, /gameday verdict: aborted by the facilitator/, "the facilitator's verdict", 120_000);
    await expect.poll(() => terminal.exitCode(), { timeout: 30_000 }).toBe(1);
    const screen = await attachScreen(terminal, "terminal");
    expect(screen).toContain("gameday verdict: aborted by the facilitator during the during phase; every fault was reverted (the ledger has none outstanding)");
    expect(screen).not.toContain(">>> checkpoint: before revert");
    const ledger = new Ledger(path.join(state, "ledger.jsonl"));
    expect(ledger.outstanding()).toEqual([]);
    const events = ledger.entries().map((e) => `${e.event} ${e.title}`);
    expect(events).toEqual(["inject scale deployment queue-master to 0", "revert scale deployment queue-master to 0"]);
    expect(summaryOf(reports)).toMatchObject({ verdict: "finding", standing: "finding", message: "aborted by the facilitator during the during phase; every fault was reverted" });
  } finally {
    terminal.close();
  }
});

test("abort at the checkpoint before the revert: the worker stops there, the fault is reverted in teardown", { tag: "@long" }, async () => {
  const { reports, state, terminal } = setup("aborted-at-checkpoint");
  try {
    await until(terminal, /Approve this plan\?/, "the approval question", 60_000);
    terminal.type("y");
    await answerPredictions(terminal, Array.from({ length: EXPECTATIONS }, () => "h"));
    await until(terminal, />>> checkpoint: before inject\./, "the checkpoint before inject", 240_000);
    terminal.type("");
    await until(terminal, />>> checkpoint: before revert\./, "the checkpoint before revert", 240_000);
    expect(new Ledger(path.join(state, "ledger.jsonl")).outstanding(), "the fault is applied").toHaveLength(1);
    terminal.type("abort");
    await until(terminal, /gameday verdict: aborted by the facilitator/, "the facilitator's verdict", 120_000);
    await expect.poll(() => terminal.exitCode(), { timeout: 30_000 }).toBe(1);
    const screen = await attachScreen(terminal, "terminal");
    expect(screen).toContain('>>> aborting during the checkpoint "before revert" (by the facilitator): reverting every fault now');
    expect(screen).toContain('gameday verdict: aborted by the facilitator during the checkpoint "before revert"; every fault was reverted (the ledger has none outstanding)');
    expect(new Ledger(path.join(state, "ledger.jsonl")).outstanding()).toEqual([]);
    // The worker's own error names the checkpoint; the recovery checks never ran.
    const summary = summaryOf(reports);
    expect(summary).toMatchObject({ status: "failed", verdict: "finding", message: 'aborted by the facilitator during the checkpoint "before revert"; every fault was reverted' });
    expect(summary.rows.find((r) => r.path === "after[0]")?.outcome).toBe("not reached");
  } finally {
    terminal.close();
  }
});

test("without a terminal, --facilitate is refused before anything starts (exit 2)", async () => {
  const dir = test.info().outputPath("no-tty");
  const run = await gameday(["run", "--facilitate", SCENARIO], { ...process.env, GAMEDAY_REPORTS_DIR: path.join(dir, "reports"), GAMEDAY_STATE_DIR: path.join(dir, "state") });
  expect(run.code, run.output).toBe(2);
  expect(run.stderr).toContain("gameday: --facilitate needs an interactive terminal: its standard input is not a TTY");
  expect(fs.existsSync(path.join(dir, "state")), "nothing was started").toBe(false);
});
