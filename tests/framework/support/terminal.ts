// A gameday command as a terminal runs it, for the framework's tests: the leader of its own process
// group (so a test can send what a terminal's Ctrl-C sends), with a state directory of its own, and
// what to check afterwards: the ledger, the processes it started, the leftovers registry.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, type TestInfo } from "@playwright/test";
import { killCommand, processesWithEnv } from "../../../helpers/core/processes.ts";
import { Ledger } from "../../../helpers/ledger/ledger.ts";

const root = process.cwd();

export interface Command {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** `gameday <args>` as the leader of its own process group, with a state directory of its own. */
export function gameday(args: string[], stateDir: string, testInfo: TestInfo, extraEnv: NodeJS.ProcessEnv = {}): Command {
  // Its own state and reports directories: the suite's own ledger and results must not be touched.
  // As a person runs it at a terminal: not in CI (CI would switch the output to Playwright's reporter).
  const { CI: _ci, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports"), ...extraEnv };
  const child = spawn(process.execPath, ["--import", "tsx", "bin/gameday.ts", ...args], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** What a terminal's Ctrl-C does: SIGINT to every process of the foreground group. */
export function ctrlC(command: Command): void {
  if (command.child.pid !== undefined) process.kill(-command.child.pid, "SIGINT");
}

export function ledgerIn(stateDir: string): Ledger {
  return new Ledger(path.join(stateDir, "ledger.jsonl"));
}

export function injected(stateDir: string): number {
  return fs.existsSync(path.join(stateDir, "ledger.jsonl")) ? ledgerIn(stateDir).entries().filter((e) => e.event === "inject").length : 0;
}

/** The kubeconfig of the embedded control plane a run started in this state directory, once it is written. */
export function embeddedKubeconfig(stateDir: string): string | undefined {
  const runs = path.join(stateDir, "runs");
  if (!fs.existsSync(runs)) return undefined;
  return fs.readdirSync(runs).map((r) => path.join(runs, r, "control-plane", "kubeconfig")).find((f) => fs.existsSync(f));
}

/** Processes started for this state directory (every child inherits GAMEDAY_STATE_DIR), with their command lines. */
export function processesOf(stateDir: string): string[] {
  return processesWithEnv("GAMEDAY_STATE_DIR", stateDir).flatMap((pid) => {
    try {
      return [`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").slice(0, 100)}`];
    } catch {
      return []; // gone meanwhile
    }
  });
}

export async function expectNothingLeft(stateDir: string): Promise<void> {
  // A process that exited is reaped by its parent a moment later: a short grace, not a speed target.
  await expect.poll(() => processesOf(stateDir), { timeout: 15_000, message: "no process the run started is alive" }).toEqual([]);
  const leftovers = path.join(stateDir, "leftovers");
  expect(fs.existsSync(leftovers) ? fs.readdirSync(leftovers) : [], "the leftovers registry is empty").toEqual([]);
}

/** Ends a command that a failed assertion left running, with everything it started. */
export async function cleanUp(command: Command | undefined, stateDir: string, testInfo: TestInfo): Promise<void> {
  if (!command || command.child.exitCode !== null || command.child.signalCode !== null) return;
  ctrlC(command);
  await Promise.race([command.exit, new Promise((r) => setTimeout(r, 60_000))]);
  if (command.child.exitCode === null) {
    killCommand(command.child.pid ?? 0);
    await gameday(["restore"], stateDir, testInfo).exit;
  }
}

