// Problems found in a scenario file, each located at file:line:col, and how they are printed: all at
// once, each with a code frame and a fix, so one `gameday validate` run shows everything to mend.
import { ScenarioError } from "../core/errors.ts";
import { redact } from "../core/redact.ts";

export type PathSegment = string | number;

export { isRecord } from "../core/schema-primitives.ts";

/** The value at a path of a parsed document, or undefined where the path leads nowhere. */
export function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) value = typeof value === "object" && value !== null ? (value as Record<PathSegment, unknown>)[segment] : undefined;
  return value;
}

export interface Problem {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  col: number;
  /** Where in the scenario, e.g. `faults[0].replicas`; `(root)` for the top level, `YAML syntax` for parse errors. */
  path: string;
  message: string;
  /** Stable: zod's issue code, yaml's error code, or one of the loader's own (e.g. `undefined_variable`). */
  code: string;
  fix?: string;
}

/** A problem before it is located in the YAML source: where in the data, and what to point at there. */
export interface Finding {
  path: readonly PathSegment[];
  /** The value at `path` (default), its key, or, for something missing, the mapping that should hold it. */
  at?: "value" | "key" | "parent";
  /** A piece of the value's source text to point at, e.g. "${nmespace}". */
  token?: string;
  message: string;
  code: string;
  fix?: string | undefined;
}

/** Bad scenario input: every problem found, as data and as a printable message. Its name stays "ScenarioError" (exit 2). */
export class ScenarioProblems extends ScenarioError {
  constructor(
    readonly file: string,
    readonly problems: readonly Problem[],
    /** The file's text, for code frames; empty when it could not be read. */
    source = "",
    /** Values that must never be printed (secret variables); replaced by `***`. */
    secrets: readonly string[] = [],
  ) {
    super(formatProblems(file, problems, source, secrets));
  }
}


export function formatProblems(file: string, problems: readonly Problem[], source: string, secrets: readonly string[] = []): string {
  const lines = source === "" ? [] : source.split(/\r?\n/);
  // A final newline ends the last line; it does not start another (unless a problem points there).
  if (lines.at(-1) === "" && !problems.some((p) => p.line === lines.length)) lines.pop();
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  // One width for every frame of the message, so the gutters line up.
  const width = String(Math.min(lines.length, Math.max(0, ...problems.map((p) => p.line)) + 1)).length;
  const blocks = problems.map((p) => formatProblem(p, lines, width, secrets));
  return redact(`${file} is not a valid scenario (${count}):\n\n${blocks.join("\n\n")}`, secrets);
}

function formatProblem(problem: Problem, lines: readonly string[], width: number, secrets: readonly string[]): string {
  const head = `${problem.file}:${problem.line}:${problem.col}  ${problem.path}: ${problem.message}  [${problem.code}]`;
  const frame = codeFrame(lines, problem.line, problem.col, secrets, width);
  const fix = problem.fix === undefined ? [] : [`    fix: ${problem.fix}`];
  return [head, ...frame, ...fix].join("\n");
}

/** The line before, the line itself with a caret under the column, and the line after. */
export function codeFrame(lines: readonly string[], line: number, col: number, secrets: readonly string[] = [], minWidth = 1): string[] {
  if (line < 1 || line > lines.length) return [];
  const first = Math.max(1, line - 1);
  const last = Math.min(lines.length, line + 1);
  const width = Math.max(minWidth, String(last).length);
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = redact(lines[n - 1] ?? "", secrets);
    out.push(`  ${n === line ? ">" : " "} ${String(n).padStart(width)} | ${text}`.trimEnd());
    if (n === line) {
      // Keep tabs so the caret lines up with what the terminal shows.
      const lead = (lines[n - 1] ?? "").slice(0, Math.max(0, col - 1)).replace(/[^\t]/g, " ");
      out.push(`    ${" ".repeat(width)} | ${lead}^`);
    }
  }
  return out;
}

/** `faults[0].replicas`, `(root)` for the empty path. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return "(root)";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// ---- did you mean ------------------------------------------------------------------------------

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours each cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

const fold = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, "");

/** The candidate a typo most likely meant, or undefined when none is close enough to be a good guess. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const folded = fold(word);
  if (folded === "") return undefined;
  const same = candidates.find((c) => fold(c) === folded);
  if (same !== undefined) return same;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(folded, fold(candidate));
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  const limit = Math.max(1, Math.floor(folded.length / 3));
  if (best !== undefined && best.distance <= limit) return best.candidate;
  // "kill" for "kill-replica", "timeouts" for "timeout": a clear prefix is a good guess too.
  if (folded.length >= 3) {
    const prefixed = candidates.filter((c) => fold(c).length >= 3 && (fold(c).startsWith(folded) || folded.startsWith(fold(c))));
    if (prefixed.length === 1) return prefixed[0];
  }
  return undefined;
}

/** `a, b or c` */
export function listOf(items: readonly string[], last = "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${last} ${items.at(-1) as string}`;
}
