// The terminal output a person reads (`gameday run`, unless CI or --reporter playwright): each
// scenario by its file and line, its hypothesis, one line per phase and per check as it ends with its
// outcome and time, progress while a check waits ("waiting: 4.0 s of 30.0 s"), and a failure shown
// at the line of the scenario file that asked for the check, with the YAML around it. No tags, no
// fixture names. Playwright's own reporters stay available (playwright.config.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FullConfig, FullResult, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from "@playwright/test/reporter";
import { progressFile, readProgress, type Progress } from "../core/progress.ts";
import { failedRow, gameDayOf } from "./game-day.ts";
import { readScenarioSource, sourceFrame } from "./scenario-source.ts";

export interface GameDayReporterOptions {
  /** Print the verdict line at the end (`gameday run` prints its own closing block). */
  closing?: boolean;
  /** Seconds between progress lines while a check waits (default 5; a terminal gets a live line). */
  progressEverySeconds?: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : ms < 120_000 ? `${(ms / 1_000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`);
/** "within 30.0 s", "within 500 ms": the deadline a step's title states. */
const DEADLINE = /within (\d+(?:\.\d+)?) (ms|s|min)\b/;

function deadlineOf(title: string): number | undefined {
  const m = DEADLINE.exec(title);
  if (!m?.[1]) return undefined;
  return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "min" ? 60_000 : 1_000);
}

/** How deep a step sits among the test body's own steps (1 = a phase); undefined for hooks, fixtures, expect and API calls. */
export function depthOf(step: TestStep): number | undefined {
  if (step.category !== "test.step") return undefined;
  let depth = 1;
  for (let p = step.parent; p; p = p.parent) if (p.category === "test.step") depth += 1;
  return depth;
}

/** "depth 3": the fields of the latest reading that the awaited condition names. */
export function observedPart(progress: Progress): string {
  const { observed, expected } = progress;
  if (typeof observed === "string") return `read failed: ${observed.slice(0, 60)}`;
  if (!observed || typeof observed !== "object") return JSON.stringify(observed);
  const named = Object.entries(observed as Record<string, unknown>).filter(([key]) => new RegExp(`\\b${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(expected));
  const shown = named.length > 0 ? named : Object.entries(observed as Record<string, unknown>).slice(0, 3);
  return shown.map(([key, value]) => `${key} ${typeof value === "object" ? JSON.stringify(value) : String(value)}`).join(", ");
}

function wrap(text: string, width: number, indent: string): string[] {
  const words = text.replace(/\s+/g, " ").trim().split(" ");
  const lines: string[] = [];
  let line = "";
  for (const word of words) {
    if (line && (line + " " + word).length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

export default class GameDayReporter implements Reporter {
  private readonly tty = process.stdout.isTTY;
  private readonly waits = new Map<TestStep, NodeJS.Timeout>();
  private live = false;
  private readonly failures: string[] = [];
  private passed = 0;

  /** Where the workers write how a waiting check is doing (helpers/core/progress.ts); they inherit it. */
  private readonly progressBase = path.join(os.tmpdir(), `gameday-progress-${process.pid}`);

  constructor(private readonly options: GameDayReporterOptions = {}) {
    process.env.GAMEDAY_PROGRESS_FILE = this.progressBase;
  }

  private print(line: string): void {
    if (this.live) {
      process.stdout.write("\r\x1b[K");
      this.live = false;
    }
    process.stdout.write(`${line}\n`);
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    const tests = suite.allTests();
    const projects = [...new Set(tests.map((t) => t.parent.project()?.name).filter(Boolean))];
    this.print(`gameday: ${tests.length} game day${tests.length === 1 ? "" : "s"}${projects.length > 0 ? ` on ${projects.join(", ")}` : ""}`);
  }

  onTestBegin(test: TestCase): void {
    const file = test.annotations.find((a) => a.type === "scenario")?.description;
    const source = file ? readScenarioSource(path.resolve(file)) : undefined;
    const where = source && file ? `${file}:${source.line}` : `${path.relative(process.cwd(), test.location.file)}:${test.location.line}`;
    this.print("");
    this.print(`▶ ${source?.name || test.title}   ${where}`);
    if (source?.description) for (const line of wrap(source.description, 96, "  │ ")) this.print(line);
  }

  onStepBegin(_test: TestCase, result: TestResult, step: TestStep): void {
    const depth = depthOf(step);
    if (depth === undefined) return;
    if (depth === 1) this.print(`  ▸ ${step.title}`);
    const deadline = deadlineOf(step.title);
    if (deadline === undefined || depth === 1 && !step.title.startsWith("detect:")) return;
    const started = step.startTime.getTime();
    const every = this.tty ? 1_000 : (this.options.progressEverySeconds ?? 5) * 1_000;
    const timer = setInterval(() => {
      const progress = readProgress(progressFile(this.progressBase, result.workerIndex));
      const observed = progress && progress.at >= started ? `${observedPart(progress)}, ` : "";
      const line = `${"  ".repeat(depth + 1)}… waiting: ${observed}${seconds(Date.now() - started)} of ${seconds(deadline)} — ${step.title.replace(/^\w[\w ]*: /, "")}`;
      if (this.tty) {
        process.stdout.write(`\r\x1b[K${line.slice(0, (process.stdout.columns || 120) - 1)}`);
        this.live = true;
      } else this.print(line);
    }, every);
    timer.unref();
    this.waits.set(step, timer);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    const timer = this.waits.get(step);
    if (timer) {
      clearInterval(timer);
      this.waits.delete(step);
    }
    const depth = depthOf(step);
    if (depth === undefined) return;
    const mark = step.error ? "✗" : "✓";
    const title = depth === 1 ? step.title.split(":")[0] ?? step.title : step.title;
    this.print(`${"  ".repeat(depth)}${depth === 1 ? "" : "  "}${mark} ${title}   ${seconds(step.duration)}`);
  }

  onStdOut(chunk: string | Buffer): void {
    for (const line of chunk.toString().replace(ANSI, "").split("\n").filter((l) => l.trim())) this.print(`  · ${line}`);
  }

  onStdErr(chunk: string | Buffer): void {
    this.onStdOut(chunk);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = gameDayOf(test, result);
    const name = outcome?.name ?? test.title;
    if (test.outcome() === "skipped") {
      const reason = [...test.annotations, ...result.annotations].find((a) => a.type === "skip")?.description;
      this.print(`○ ${name} skipped${reason ? `: ${reason}` : ""}`);
      return;
    }
    if (test.outcome() === "expected" || test.outcome() === "flaky") {
      this.passed += 1;
      const known = outcome?.expectedFinding ? ` (the expected finding appeared: ${outcome.expectedFinding.split("\n")[0] ?? ""})` : "";
      this.print(`✓ ${name} passed in ${seconds(result.duration)}${known}`);
      return;
    }
    const verdict = outcome ? `${outcome.verdict}${outcome.kind ? ` (${outcome.kind})` : ""}` : result.status;
    this.print(`✗ ${name}: ${verdict} after ${seconds(result.duration)}`);
    const row = outcome ? failedRow(outcome) : undefined;
    const source = outcome ? readScenarioSource(path.resolve(outcome.file)) : undefined;
    const lines: string[] = [];
    if (row && outcome) {
      lines.push(`  ${outcome.file}:${row.line ?? outcome.line}  ${row.path}`);
      if (source && row.line !== undefined) lines.push(...sourceFrame(source, row.line));
      lines.push(`  expected: ${row.expected.replace(/^\w[\w ]*: /, "")}`, `  observed: ${row.observed}`);
    } else {
      lines.push(`  ${outcome ? `${outcome.file}:${outcome.line}` : `${path.relative(process.cwd(), test.location.file)}:${test.location.line}`}`);
      lines.push(`  ${firstLine(result.errors[0])}`);
    }
    for (const line of lines) this.print(line);
    this.failures.push(name);
  }

  onEnd(result: FullResult): void {
    for (const timer of this.waits.values()) clearInterval(timer);
    for (const name of fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(path.basename(this.progressBase)))) fs.rmSync(path.join(os.tmpdir(), name), { force: true });
    if (this.options.closing === false) return;
    this.print("");
    this.print(`${this.passed} passed, ${this.failures.length} failed${this.failures.length > 0 ? `: ${this.failures.join(", ")}` : ""} (${result.status})`);
  }

  printsToStdio(): boolean {
    return true;
  }
}

function firstLine(error: TestError | undefined): string {
  return (error?.message ?? "no error message").replace(ANSI, "").split("\n")[0] ?? "";
}
