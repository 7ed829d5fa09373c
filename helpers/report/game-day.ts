// A scenario test's outcome as a game day: each expectation of the scenario file (steady state, fault
// proof, invariants, after, detection) with expected, observed, evidence and outcome, and its line in
// the file. Derived in the reporter from the runner's steps (fixtures/scenario-runner.ts names them
// by phase and mode: "preflight: …", "eventually: …", "inject: …", "after: …", "detect: …") and its
// attachments; the runner is not asked to keep a second record.
import fs from "node:fs";
import path from "node:path";
import type { TestCase, TestResult, TestStep } from "@playwright/test/reporter";
import type { Facilitated, Prediction } from "./facilitation.ts";
import { keyTimesOf } from "./key-time-annotations.ts";
import type { Standing } from "./score.ts";
import { readScenarioSource, type ScenarioSource, type Section, type SourceExpectation } from "./scenario-source.ts";
import { classifyFailure, findingKind, type Verdict } from "./verdict.ts";

export type Outcome = "held" | "violated" | "not reached" | "not judged";

export interface ExpectationRow {
  section: Section | "journeys";
  /** `after[0]`, `during.invariants[1]`, `faults[0]`, `detect[0]`, `during.journeys`. */
  path: string;
  line: number | undefined;
  expected: string;
  observed: string;
  evidence: string;
  outcome: Outcome;
  durationMs: number | undefined;
  /** What the team predicted, in a facilitated run (helpers/report/facilitation.ts). */
  predicted?: Prediction;
}

export interface PhaseRow {
  title: string;
  outcome: "passed" | "failed";
  durationMs: number;
}

export interface ScenarioOutcome {
  name: string;
  /** The scenario file, relative to the working directory. */
  file: string;
  line: number;
  target: string;
  severity: string;
  hypothesis: string;
  project: string;
  status: TestResult["status"];
  verdict: Verdict | "skipped";
  standing: Standing;
  /** The finding kind (resilience, invariant, recovery, detection) when there is one. */
  kind: string | undefined;
  message: string | undefined;
  skipReason: string | undefined;
  /** expect-finding: the finding this scenario documents, when it appeared. */
  expectedFinding: string | undefined;
  durationMs: number;
  startedAt: string;
  times: Record<string, number>;
  phases: PhaseRow[];
  rows: ExpectationRow[];
  chartSvg: string | undefined;
  /** A facilitated run's predictions, notes and abort. */
  facilitated?: Facilitated;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const GATE = /^(eventually|stays|always|never|at least once): /;
const firstLine = (text: string | undefined): string => (text ?? "").replace(ANSI, "").split("\n")[0] ?? "";
/** "InvariantViolation: [recovery] queue …" → "queue …". */
const plainMessage = (text: string | undefined): string => firstLine(text).replace(/^(Error|\w+(Error|Violation|NotEffective|NotReady)): /, "").replace(/^\[\w+\] /, "");
const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`);

/** The test body's phase steps (not hooks, not fixtures). */
function phaseSteps(result: TestResult): TestStep[] {
  return result.steps.filter((s) => s.category === "test.step");
}

function attachmentText(a: { path?: string; body?: Buffer }): string | undefined {
  try {
    if (a.body) return a.body.toString("utf8");
    if (a.path) return fs.readFileSync(a.path, "utf8");
  } catch {
    return undefined;
  }
  return undefined;
}

function allAttachments(result: TestResult): { name: string; contentType: string; path?: string; body?: Buffer }[] {
  return result.attachments;
}

function gateRow(expectation: SourceExpectation, step: TestStep | undefined, reached: boolean): ExpectationRow {
  const base = { section: expectation.section, path: expectation.path, line: expectation.line, expected: step ? step.title : `${expectation.mode}: ${expectation.text}`, evidence: "" };
  if (!step) return { ...base, observed: reached ? "not judged" : "not reached: an earlier phase failed", outcome: reached ? "not judged" : "not reached", durationMs: undefined };
  if (step.error) return { ...base, observed: plainMessage(step.error.message), outcome: "violated", durationMs: step.duration };
  return { ...base, observed: `held after ${seconds(step.duration)}`, outcome: "held", durationMs: step.duration };
}

/** Pairs a section's YAML entries with the gate steps of the phase that judged them, in order. */
function gates(entries: SourceExpectation[], phase: TestStep | undefined): ExpectationRow[] {
  const steps = (phase?.steps ?? []).filter((s) => GATE.test(s.title));
  return entries.map((e, i) => gateRow(e, steps[i], phase !== undefined));
}

export function gameDayOf(test: TestCase, result: TestResult): ScenarioOutcome | undefined {
  const scenarioFile = test.annotations.find((a) => a.type === "scenario")?.description;
  if (!scenarioFile) return undefined;
  const absolute = path.resolve(scenarioFile);
  const source: ScenarioSource | undefined = readScenarioSource(absolute);
  const phases = phaseSteps(result);
  const find = (prefix: string): TestStep | undefined => phases.find((s) => s.title.startsWith(prefix));
  const entries = (section: Section): SourceExpectation[] => (source?.expectations ?? []).filter((e) => e.section === section);
  const attachments = allAttachments(result);
  const text = (name: string): string | undefined => {
    const a = attachments.find((x) => x.name === name);
    return a ? attachmentText(a) : undefined;
  };

  // ---- rows ---------------------------------------------------------------------------------------
  const rows: ExpectationRow[] = [];
  rows.push(...gates(entries("steady-state"), find("preflight: steady state")));
  const inject = find("inject: faults and proof");
  const injections = phases.flatMap(function walk(s: TestStep): TestStep[] {
    return [...(/^inject: /.test(s.title) && !s.title.startsWith("inject: faults and proof") ? [s] : []), ...s.steps.flatMap(walk)];
  });
  entries("faults").forEach((e, i) => {
    const step = injections[i];
    const title = step?.title.replace(/^inject: /, "");
    const proof = title ? text(`proof of effect: ${title}`) : undefined;
    rows.push({
      section: "faults",
      path: e.path,
      line: e.line,
      expected: `the fault takes effect: ${title ?? e.text}`,
      observed: !step ? (inject ? "not injected" : "not reached: an earlier phase failed") : step.error ? plainMessage(step.error.message) : `took effect (${seconds(step.duration)})`,
      evidence: proof ?? "",
      outcome: !step ? (inject ? "not judged" : "not reached") : step.error ? "violated" : "held",
      durationMs: step?.duration,
    });
  });
  rows.push(...gates(entries("proof"), inject));

  const during = find("during: ");
  const duringEntries = entries("during");
  const gated = gates(duringEntries.filter((e) => e.mode === "eventually"), during);
  const duringMessage = during?.error ? plainMessage(during.error.message) : undefined;
  let blamed = false;
  for (const e of duringEntries) {
    if (e.mode === "eventually") {
      rows.push(gated.shift() as ExpectationRow);
      continue;
    }
    const phrase = e.mode === "at-least-once" ? "at least once" : e.mode === "stays" ? "to stay true" : "at all times";
    const base = { section: e.section, path: e.path, line: e.line, expected: `${e.mode === "at-least-once" ? "at least once" : e.mode}: ${e.text}`, evidence: "" };
    if (!during) rows.push({ ...base, observed: "not reached: an earlier phase failed", outcome: "not reached", durationMs: undefined });
    else if (!duringMessage) rows.push({ ...base, observed: `held in every sample (${seconds(during.duration)})`, outcome: "held", durationMs: during.duration });
    else if (!blamed && duringMessage.includes(phrase) && !/\[resilience\]/.test(firstLine(during.error?.message))) {
      blamed = true;
      rows.push({ ...base, observed: duringMessage, outcome: "violated", durationMs: during.duration });
    } else rows.push({ ...base, observed: "not judged: the phase failed on another check", outcome: "not judged", durationMs: undefined });
  }
  const journeySteps = (during?.steps ?? []).filter((s) => s.title.startsWith("journey "));
  if (journeySteps.length > 0) {
    const resilience = during?.error && /\[resilience\]/.test(firstLine(during.error.message));
    const journeyLine = source?.lines.findIndex((l) => /^\s+journeys:/.test(l));
    rows.push({
      section: "journeys",
      path: "during.journeys",
      line: journeyLine !== undefined && journeyLine >= 0 ? journeyLine + 1 : undefined,
      expected: `users complete their journeys under the fault (${journeySteps.length} iteration(s))`,
      observed: resilience ? plainMessage(during?.error?.message) : `${journeySteps.length} of ${journeySteps.length} completed`,
      evidence: attachments.filter((a) => a.name.startsWith("journey ")).map((a) => attachmentText(a) ?? "").filter(Boolean).slice(0, 3).join("\n"),
      outcome: resilience ? "violated" : "held",
      durationMs: journeySteps.reduce((sum, s) => sum + s.duration, 0),
    });
  }
  rows.push(...gates(entries("after"), find("after: ")));

  const detection = text("detection");
  const blocks = detection ? detection.split(/\n(?=held |FAILED )/) : [];
  const waited = find("detect: the fault stays applied");
  entries("detect").forEach((e, i) => {
    const block = blocks[i];
    const observed = block ? (/observed: (.*)/.exec(block)?.[1] ?? "") : waited?.error ? plainMessage(waited.error.message) : "";
    const outcome: Outcome = block ? (block.startsWith("held") ? "held" : "violated") : waited?.error ? "violated" : "not reached";
    rows.push({
      section: "detect",
      path: e.path,
      line: e.line,
      expected: block ? (/expected: (.*)/.exec(block)?.[1] ?? e.text) : e.text,
      observed: observed || "not reached: an earlier phase failed",
      evidence: block ?? "",
      outcome,
      durationMs: undefined,
    });
  });

  // ---- verdict ------------------------------------------------------------------------------------
  const outcome = test.outcome();
  const errors = result.errors.length > 0 ? result.errors : [{ message: `test ended with status ${result.status}` }];
  const expectedFinding = result.annotations.concat(test.annotations).find((a) => a.type === "expected finding")?.description;
  let verdict: ScenarioOutcome["verdict"];
  if (outcome === "skipped") verdict = "skipped";
  else if (outcome === "expected" || outcome === "flaky") verdict = "passed";
  else verdict = result.status === "timedOut" ? "harness error" : classifyFailure(errors);
  const standing: Standing =
    verdict === "skipped" ? "skipped" : verdict === "passed" ? (expectedFinding ? "known finding" : "resilient") : verdict === "finding" ? "finding" : verdict === "invalid input" ? "invalid" : "broken";
  const svg = attachments.find((a) => a.name === "timeline chart (svg)");
  return {
    name: source?.name || test.title,
    file: path.relative(process.cwd(), absolute),
    line: source?.line ?? 1,
    target: source?.target ?? "",
    severity: source?.severity ?? "normal",
    hypothesis: source?.description ?? "",
    project: test.parent.project()?.name ?? "",
    status: result.status,
    verdict,
    standing,
    kind: verdict === "finding" ? findingKind(errors) : expectedFinding ? /^\[(\w+)\]/.exec(expectedFinding)?.[1] : undefined,
    message: verdict === "passed" || verdict === "skipped" ? undefined : plainMessage(errors[0]?.message),
    skipReason: test.annotations.concat(result.annotations).find((a) => a.type === "skip")?.description,
    expectedFinding,
    durationMs: result.duration,
    startedAt: result.startTime.toISOString(),
    times: keyTimesOf([...test.annotations, ...result.annotations]),
    phases: phases.map((s) => ({ title: s.title, outcome: s.error ? "failed" : "passed", durationMs: s.duration })),
    rows,
    chartSvg: svg ? attachmentText(svg) : undefined,
  };
}

/** The expectation a failed scenario failed on: the first violated row. */
export function failedRow(outcome: ScenarioOutcome): ExpectationRow | undefined {
  return outcome.rows.find((r) => r.outcome === "violated");
}
