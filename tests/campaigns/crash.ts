// The crash campaign: SIGKILL the runner (its whole process group: no teardown runs anywhere) at random
// moments of the shipped scenarios on both platforms, run `gameday restore`, and check nothing is left:
// no fault applied, no ledger entry open, no process of the run, no leftover broker node, vhost or
// monitoring stack in the registry. Seeded: the same --seed gives the same kill points, and
// --only <i> replays one of them. `npm run campaign` runs it (100 kills); npm test runs a small slice
// (tests/framework/crash-campaign.test.ts).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { killCommand, processesWithEnv } from "../../helpers/core/processes.ts";
import { pickOne, seededRandom } from "../../helpers/core/seeded.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { scenarioFilesIn } from "../../helpers/scenario/selection.ts";
import { loadScenario } from "../../helpers/scenario/loader.ts";
import { whyPlatformCannot } from "../../helpers/faults/index.ts";
import type { PlatformCapability } from "../../helpers/platforms/platform.ts";
import { LOCAL_CAPABILITIES } from "../../helpers/platforms/local/local-platform.ts";
import { KUBERNETES_CAPABILITIES } from "../../helpers/platforms/kubernetes/settings.ts";

/** Where a run can be killed, in the order a run reaches them (the human reporter prints each phase as it starts). */
export const KILL_PHASES = ["booting", "preflight", "inject", "during", "recover", "after"] as const;
export type KillPhase = (typeof KILL_PHASES)[number];

export interface KillPoint {
  index: number;
  scenario: string;
  platform: "local" | "kubernetes";
  phase: KillPhase;
  /** Into the phase, before the kill. */
  delayMs: number;
}

export interface KillOutcome extends KillPoint {
  /** The phase the run was in when it was killed (a run may have finished the wanted one early). */
  killedIn: KillPhase | "finished";
  leftovers: string[];
  restoreExit: number | null;
}

type CampaignPlatform = "local" | "kubernetes";

/**
 * The kill points of a campaign: a pure function of the seed. With `runnable`, a scenario the drawn
 * platform cannot run (it would skip, and end before any kill) is drawn again among those it can.
 */
export function killPoints(
  seed: number,
  kills: number,
  options: { scenarios: readonly string[]; platforms: readonly CampaignPlatform[]; runnable?: (scenario: string, platform: CampaignPlatform) => boolean },
): KillPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: kills }, (_, index) => {
    let scenario = pickOne(options.scenarios, random);
    const platform = pickOne(options.platforms, random);
    const { runnable } = options;
    if (runnable && !runnable(scenario, platform)) {
      const candidates = options.scenarios.filter((s) => runnable(s, platform));
      if (candidates.length > 0) scenario = pickOne(candidates, random);
    }
    return { index, scenario, platform, phase: pickOne(KILL_PHASES, random), delayMs: Math.floor(random() * 2_000) };
  });
}

const CAPABILITIES: Record<CampaignPlatform, ReadonlySet<PlatformCapability>> = { local: LOCAL_CAPABILITIES, kubernetes: KUBERNETES_CAPABILITIES };

/** Whether a platform can make every fault of a scenario (else the run skips it). */
export function runnableOn(scenario: string, platform: CampaignPlatform): boolean {
  return whyPlatformCannot(platform, CAPABILITIES[platform], loadScenario(scenario).scenario.faults) === undefined;
}

const PHASE_LINE = /^\s*▸ (preflight|inject|during|recover|after|detect)\b/gm;

function phaseOf(output: string): KillPhase {
  let phase: KillPhase = "booting";
  for (const match of output.matchAll(PHASE_LINE)) {
    const name = match[1] === "detect" ? "after" : (match[1] as KillPhase);
    phase = name;
  }
  return phase;
}

function processesOf(stateDir: string): string[] {
  return processesWithEnv("GAMEDAY_STATE_DIR", stateDir).flatMap((pid) => {
    try {
      return [`process ${pid}: ${fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 80)}`];
    } catch {
      return [];
    }
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The run a kill point has started, until it is killed: an interrupted campaign must not leave it behind. */
let inFlight: { pid: number; env: NodeJS.ProcessEnv } | undefined;

/** Interrupting the campaign (Ctrl-C, SIGTERM) kills the run in flight as a kill point would, and repairs it. */
function stopInFlightRunOnInterrupt(): void {
  const stop = (signal: NodeJS.Signals): void => {
    if (inFlight) {
      killCommand(inFlight.pid);
      for (const command of ["restore", "down"]) spawnSync(process.execPath, ["--import", "tsx", "bin/gameday.ts", command], { cwd: process.cwd(), env: inFlight.env, stdio: "inherit" });
    }
    console.log(`crash campaign: ${signal}: stopped; the run in flight was killed and restored`);
    process.exit(130);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

/** One kill: run, wait for the phase, kill the group, restore, and list what is left. */
export async function crashOnce(point: KillPoint, workDir: string, log: (line: string) => void = () => undefined): Promise<KillOutcome> {
  const stateDir = path.join(workDir, `kill-${point.index}`, "state");
  fs.mkdirSync(stateDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: path.join(workDir, `kill-${point.index}`, "reports"), GAMEDAY_REPORTER: "human" };
  delete env.CI; // the human reporter prints the phases this campaign waits for
  const cli = (args: string[]) => spawn(process.execPath, ["--import", "tsx", "bin/gameday.ts", ...args], { cwd: process.cwd(), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const runner = cli(["run", "--platform", point.platform, "--reporter", "human", point.scenario]);
  inFlight = { pid: runner.pid ?? 0, env };
  let output = "";
  runner.stdout.on("data", (d: Buffer) => (output += d.toString()));
  runner.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => runner.once("exit", () => resolve()));
  let finished = false;
  void exited.then(() => (finished = true));
  const wanted = KILL_PHASES.indexOf(point.phase);
  const deadline = Date.now() + 240_000;
  while (!finished && KILL_PHASES.indexOf(phaseOf(output)) < wanted && Date.now() < deadline) await sleep(25);
  await Promise.race([sleep(point.delayMs), exited]);
  const killedIn = finished ? "finished" : phaseOf(output);
  // The runner dies as a CI job's cancellation kills it: the CLI and Playwright with its workers, at
  // once, no teardown anywhere. What the run started in groups of their own is what restore must find.
  if (!finished) killCommand(runner.pid ?? 0);
  await exited;
  inFlight = undefined;

  const restore = cli(["restore"]);
  let restoreOutput = "";
  restore.stdout.on("data", (d: Buffer) => (restoreOutput += d.toString()));
  restore.stderr.on("data", (d: Buffer) => (restoreOutput += d.toString()));
  const restoreExit = await new Promise<number | null>((resolve) => restore.once("exit", resolve));

  const leftovers: string[] = [];
  const ledgerFile = path.join(stateDir, "ledger.jsonl");
  if (fs.existsSync(ledgerFile)) for (const open of new Ledger(ledgerFile).outstanding()) leftovers.push(`ledger entry still open: ${JSON.stringify(open).slice(0, 120)}`);
  // A process that exited is reaped by its parent a moment later: a short grace.
  for (let i = 0; i < 40 && processesOf(stateDir).length > 0; i++) await sleep(250);
  leftovers.push(...processesOf(stateDir));
  const registry = path.join(stateDir, "leftovers");
  if (fs.existsSync(registry)) leftovers.push(...fs.readdirSync(registry).map((f) => `leftovers registry: ${f}`));
  if (restoreExit !== 0) leftovers.push(`gameday restore exited ${restoreExit}: ${restoreOutput.trim().split("\n").slice(-3).join(" / ")}`);
  log(`kill ${point.index}: ${point.platform} ${path.basename(point.scenario)}, wanted ${point.phase}+${point.delayMs} ms, killed in ${killedIn}; ${leftovers.length === 0 ? "nothing left" : `LEFT: ${leftovers.join("; ")}`}`);
  return { ...point, killedIn, leftovers, restoreExit };
}

export interface CampaignReport {
  seed: number;
  outcomes: KillOutcome[];
  /** Kills per phase the run was in. */
  byPhase: Record<string, number>;
  leftovers: number;
}

export async function runCrashCampaign(points: readonly KillPoint[], seed: number, workDir: string, log?: (line: string) => void): Promise<CampaignReport> {
  const outcomes: KillOutcome[] = [];
  for (const point of points) outcomes.push(await crashOnce(point, workDir, log));
  const byPhase: Record<string, number> = {};
  for (const o of outcomes) byPhase[o.killedIn] = (byPhase[o.killedIn] ?? 0) + 1;
  return { seed, outcomes, byPhase, leftovers: outcomes.reduce((n, o) => n + o.leftovers.length, 0) };
}

export function describeCampaign(report: CampaignReport): string {
  const phases = [...KILL_PHASES, "finished"].filter((p) => report.byPhase[p]).map((p) => `${p} ${report.byPhase[p]}`).join(", ");
  const failed = report.outcomes.filter((o) => o.leftovers.length > 0);
  return [
    `crash campaign, seed ${report.seed}: ${report.outcomes.length} kill points (${report.outcomes.filter((o) => o.killedIn !== "finished").length} kills; by phase: ${phases})`,
    `leftovers after gameday restore: ${report.leftovers}`,
    ...failed.map((o) => `  kill ${o.index} (${o.platform} ${path.basename(o.scenario)}, in ${o.killedIn}; replay: npm run campaign -- --seed ${report.seed} --kills ${report.outcomes.length} --only ${o.index}): ${o.leftovers.join("; ")}`),
  ].join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { seed: { type: "string" }, kills: { type: "string" }, only: { type: "string" }, platforms: { type: "string" }, scenarios: { type: "string" } },
  });
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  const kills = Number(values.kills ?? 100);
  const platforms = (values.platforms ?? "local,kubernetes").split(",") as ("local" | "kubernetes")[];
  const scenarios = values.scenarios ? values.scenarios.split(",") : scenarioFilesIn("scenarios");
  let points = killPoints(seed, kills, { scenarios, platforms, runnable: runnableOn });
  if (values.only !== undefined) points = points.filter((p) => p.index === Number(values.only));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-crash-campaign-"));
  stopInFlightRunOnInterrupt();
  console.log(`crash campaign: seed ${seed}, ${points.length} kill point(s), platforms ${platforms.join(", ")}; work in ${workDir}`);
  const report = await runCrashCampaign(points, seed, workDir, (line) => console.log(line));
  console.log(describeCampaign(report));
  fs.writeFileSync(path.join(workDir, "campaign.json"), JSON.stringify(report, null, 2));
  return report.leftovers === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then((code) => process.exit(code), (error: unknown) => {
    console.error(error);
    process.exit(3);
  });
}
