// `gameday run --live` and `--facilitate`: the CLI side of the run channel (helpers/report/run-channel.ts).
// --live serves the live page on loopback for the duration of the run. --facilitate (an interactive
// terminal only) shows the plan and asks approval before anything is mutated, records the team's
// prediction for each expectation, and during the run reads the terminal line by line: Enter
// continues a waiting checkpoint (before inject, before revert), "abort" reverts every fault at once
// and ends the run, any other line is a note stamped onto the timeline. Ctrl-C is left to the terminal.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type { ChildProcess } from "node:child_process";
import { stateDir } from "../../helpers/core/leftovers.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { FACILITATION_ENV, writeFacilitation, type FacilitationRecord, type Prediction } from "../../helpers/report/facilitation.ts";
import { livePage } from "../../helpers/report/live-page.ts";
import { FACILITATE_ENV, RUN_CHANNEL_ENV, RunChannelServer, type RunEvent } from "../../helpers/report/run-channel.ts";
import { readScenarioSource, type SourceExpectation } from "../../helpers/report/scenario-source.ts";
import { describeCheck, describeDetection } from "../../helpers/scenario/plan.ts";
import type { LoadedScenario } from "../../helpers/scenario/loader.ts";
import type { ScenarioPlatform } from "../../helpers/scenario/platform.ts";
import type { OptionSpecs } from "../options.ts";
import { shownFile } from "../platforms.ts";
import { planText } from "./plan.ts";

export const SESSION_OPTIONS = {
  live: { value: "serve a live page of the run on loopback", flag: true },
  facilitate: { value: "run it with a facilitator at the terminal", flag: true },
} as const satisfies OptionSpecs;

/** The abort command a facilitator types. */
const ABORT = "abort";

/** Why --facilitate cannot run here, or undefined: it needs a person at a terminal, one scenario at a time. */
export function facilitationRefusal(stdinIsTty: boolean, selected: number): string | undefined {
  if (!stdinIsTty) return "--facilitate needs an interactive terminal: its standard input is not a TTY (a CI job or a pipe), so no one could approve, predict or continue. Run it from a terminal, or drop --facilitate (CI runs need none)";
  if (selected !== 1) return `--facilitate runs one scenario at a time, and ${selected} are selected: name one scenario file (or narrow with --grep)`;
  return undefined;
}

/** The terminal, one line at a time: answers to questions first, then commands while the run goes. */
class TerminalLines {
  private readonly rl = readline.createInterface({ input: process.stdin, terminal: false });
  private readonly buffered: (string | undefined)[] = [];
  private waiter: ((line: string | undefined) => void) | undefined;
  private handler: ((line: string) => void) | undefined;
  private closed: (() => void) | undefined;

  constructor() {
    this.rl.on("line", (line) => this.deliver(line));
    this.rl.on("close", () => {
      this.deliver(undefined);
      this.closed?.();
    });
  }

  /** The next line typed after `prompt` (undefined: the terminal closed). */
  ask(prompt: string): Promise<string | undefined> {
    process.stdout.write(prompt);
    if (this.buffered.length > 0) return Promise.resolve(this.buffered.shift());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** From now on every line goes to `handler`; `closed` is told when the terminal closes (Ctrl-D). */
  follow(handler: (line: string) => void, closed: () => void): void {
    this.handler = handler;
    this.closed = closed;
  }

  close(): void {
    this.rl.close();
  }

  private deliver(line: string | undefined): void {
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter(line);
    } else if (this.handler && line !== undefined) this.handler(line);
    else this.buffered.push(line);
  }
}

const PREDICTION_ANSWERS: Record<string, Prediction> = { h: "holds", holds: "holds", y: "holds", yes: "holds", f: "fails", fails: "fails", n: "fails", no: "fails", u: "unsure", unsure: "unsure", "?": "unsure", "": "unsure" };
const SECTION_WORDS: Record<string, string> = { "steady-state": "steady state", proof: "fault proof", during: "during the fault", after: "after recovery", detect: "detection" };

export interface SessionStart {
  /** The scenario a facilitator runs (the first selected one for --live alone). */
  loaded: LoadedScenario;
  /** What the live page is headed with. */
  title: string;
  platform: ScenarioPlatform;
  live: boolean;
  facilitate: boolean;
  reportsDir: string;
}

/** A run with a channel: the environment its workers get, what it does with the Playwright process, and its closing words. */
export class RunSession {
  private child: ChildProcess | undefined;
  private phase = "preflight";
  private ended = false;

  private constructor(
    private readonly server: RunChannelServer,
    private readonly terminal: TerminalLines | undefined,
    private readonly record: FacilitationRecord | undefined,
    private readonly recordFile: string,
  ) {}

  /**
   * Starts the channel; with --facilitate first the plan, the approval and the predictions.
   * Undefined when the facilitator declined (nothing was started, nothing mutated).
   */
  static async start(options: SessionStart): Promise<RunSession | undefined> {
    const { loaded } = options;
    let terminal: TerminalLines | undefined;
    let record: FacilitationRecord | undefined;
    const recordFile = path.join(options.reportsDir, "facilitation.json");
    if (options.facilitate) {
      terminal = new TerminalLines();
      console.log(`${planText(loaded, options.platform)}\n`);
      const answer = (await terminal.ask(`Approve this plan? Nothing has been touched yet. [y/N] `))?.trim().toLowerCase();
      if (answer !== "y" && answer !== "yes") {
        terminal.close();
        console.log(`gameday: not approved (${answer === undefined ? "the terminal closed" : `answered "${answer || "no"}"`}): nothing was started and nothing was mutated.`);
        return undefined;
      }
      const predictions = await askPredictions(loaded, terminal);
      if (!predictions) {
        console.log(`gameday: the terminal closed before the predictions were complete: nothing was started and nothing was mutated.`);
        return undefined;
      }
      record = { scenario: loaded.file, predictions, notes: [] };
      fs.mkdirSync(options.reportsDir, { recursive: true });
      writeFacilitation(recordFile, record);
    }
    let session: RunSession | undefined;
    const server = await RunChannelServer.start({
      ...(options.live ? { page: livePage(options.title) } : {}),
      onEvent: (event) => session?.heard(event),
    });
    session = new RunSession(server, terminal, record, recordFile);
    if (options.live) console.log(`gameday: live view at ${server.url}   (open it in a browser; it follows the run)`);
    if (terminal) {
      console.log(`gameday: facilitating ${loaded.scenario.name}. While it runs: Enter continues a checkpoint, "${ABORT}" reverts every fault and ends the run, any other line is a note on the timeline.`);
      // No one left to continue a checkpoint: a facilitated run without its terminal stops, reverted.
      terminal.follow(
        (line) => session.typed(line),
        () => session.abort("the terminal closed"),
      );
    }
    return session;
  }

  /** The variables the Playwright runner and its workers get. */
  get env(): Record<string, string> {
    return {
      [RUN_CHANNEL_ENV]: this.server.url,
      ...(this.record ? { [FACILITATE_ENV]: "1", [FACILITATION_ENV]: this.recordFile } : {}),
    };
  }

  /** What Playwright is told: a facilitated run is one worker, one scenario at a time. */
  get playwrightArgs(): string[] {
    return this.record ? ["--workers=1"] : [];
  }

  /** The terminal is the facilitator's: Playwright reads none of it. */
  get stdin(): "inherit" | "ignore" {
    return this.terminal ? "ignore" : "inherit";
  }

  started(child: ChildProcess): void {
    this.child = child;
  }

  /** Closes the channel and the terminal; for an aborted run, the verdict line that says so and its exit code. */
  async finish(): Promise<{ verdictLine?: string; exitCode?: number }> {
    this.ended = true;
    this.terminal?.close();
    await this.server.close();
    const aborted = this.record?.aborted;
    if (!aborted) return {};
    const outstanding = new Ledger(path.join(stateDir(), "ledger.jsonl")).outstanding();
    if (outstanding.length > 0) {
      return { verdictLine: `gameday verdict: aborted by the facilitator during ${aborted.during}, and ${outstanding.length} fault(s) are still applied: run gameday restore`, exitCode: 3 };
    }
    return { verdictLine: `gameday verdict: aborted by the facilitator during ${aborted.during}; every fault was reverted (the ledger has none outstanding)`, exitCode: 1 };
  }

  private heard(event: RunEvent): void {
    if (event.type === "phase") this.phase = event.name;
    if (!this.terminal) return;
    if (event.type === "checkpoint" && event.state === "waiting") {
      console.log(`\n>>> checkpoint: ${event.name}. Press Enter to continue, type a note, or "${ABORT}".`);
    }
  }

  private typed(line: string): void {
    if (this.ended || !this.record) return;
    const text = line.trim();
    if (text.toLowerCase() === ABORT) return this.abort("by the facilitator");
    if (text === "") {
      const waiting = this.server.checkpoint;
      if (waiting) {
        console.log(`>>> continuing past "${waiting}"`);
        this.server.continue();
      } else console.log(`>>> no checkpoint is waiting; type a note, or "${ABORT}"`);
      return;
    }
    const note = this.server.note(text);
    this.record.notes.push({ at: new Date(note.at).toISOString(), text });
    writeFacilitation(this.recordFile, this.record);
    console.log(`>>> noted: "${text}"`);
  }

  private abort(why: string): void {
    if (this.ended || !this.record || this.record.aborted) return;
    const during = this.server.checkpoint ? `the checkpoint "${this.server.checkpoint}"` : `the ${this.phase} phase`;
    this.record.aborted = { at: new Date().toISOString(), during };
    writeFacilitation(this.recordFile, this.record); // before the stop, so the summary reads it
    console.log(`>>> aborting during ${during} (${why}): reverting every fault now`);
    const atCheckpoint = this.server.checkpoint !== undefined;
    this.server.abort(why);
    // At a checkpoint the worker hears it and fails the test; otherwise Playwright's graceful stop
    // (the same single SIGINT a SIGTERM becomes) runs the chaos fixture's teardown, which reverts.
    if (!atCheckpoint) this.child?.kill("SIGINT");
  }
}

/** An expectation as the plan states it, variables resolved (the file's text has `${queue}`). */
function stated(loaded: LoadedScenario, e: SourceExpectation): string {
  const [, list, index] = /^(.*)\[(\d+)\]$/.exec(e.path) ?? [];
  const s = loaded.scenario;
  const i = Number(index);
  if (list === "detect") {
    const spec = s.detect[i];
    return spec ? `${spec.description ? `${spec.description}: ` : ""}${describeDetection(spec)}` : e.text;
  }
  const checks = { "steady-state": s["steady-state"], proof: s.proof, "during.invariants": s.during.invariants, after: s.after }[list ?? ""];
  const spec = checks?.[i];
  return spec ? describeCheck(spec) : `${e.mode}: ${e.text}`;
}

/** The team's prediction per expectation path; undefined when the terminal closed before the last one. */
async function askPredictions(loaded: LoadedScenario, terminal: TerminalLines): Promise<Record<string, Prediction> | undefined> {
  const file = loaded.file;
  const expectations = (readScenarioSource(loaded.file)?.expectations ?? []).filter((e) => e.section !== "faults");
  const predictions: Record<string, Prediction> = {};
  if (expectations.length === 0) return predictions;
  console.log(`\nThe team's predictions, before anything is touched. For each expectation: will it hold? [h]olds, [f]ails, [u]nsure (Enter)`);
  for (const e of expectations) {
    const question = `  ${SECTION_WORDS[e.section] ?? e.section}, ${shownFile(file)}:${e.line}: ${stated(loaded, e)}\n    the team predicts [h/f/u]: `;
    for (;;) {
      const answer = await terminal.ask(question);
      if (answer === undefined) return undefined;
      const prediction = PREDICTION_ANSWERS[answer.trim().toLowerCase()];
      if (prediction) {
        predictions[e.path] = prediction;
        break;
      }
      console.log(`    "${answer.trim()}" is not one of h (holds), f (fails), u (unsure)`);
    }
  }
  return predictions;
}
