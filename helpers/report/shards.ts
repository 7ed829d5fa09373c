// One verdict from the shards of one run: each `gameday run --shard i/n` writes its reports directory
// (verdict.json naming its suite and shard, JUnit, Allure results); merging them checks they are the
// shards of one suite, all of them, once each, and combines their verdicts as one run would.
import { ScenarioError } from "../core/errors.ts";
import { combine, EXIT_CODES, type Verdict } from "./verdict.ts";

/** What makes two runs the same suite: the gameday version, the platform, and the scenarios selected (names and content). */
export interface SuiteIdentity {
  gameday: string;
  /** The commit gameday ran from, when it ran from a git checkout. */
  commit?: string | undefined;
  platform: string;
  scenarios: string[];
  /** sha256 over the selected scenario files' content and the variables. */
  selection: string;
}

export interface Shard {
  current: number;
  total: number;
}

export interface VerdictFile {
  verdict: Verdict;
  exitCode: number;
  status?: string;
  passed: number;
  failed: number;
  tests: { title: string; verdict: Verdict; times?: Record<string, number> }[];
  suite?: SuiteIdentity;
  shard?: Shard | null;
}

/** "2/3" → { current: 2, total: 3 }; undefined when the text is not a shard. */
function shardOf(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const current = Number(match?.[1]);
  const total = Number(match?.[2]);
  return match && total >= 1 && current >= 1 && current <= total ? { current, total } : undefined;
}

/** What is wrong with a --shard value, if anything. */
export function shardProblem(text: string): string | undefined {
  return shardOf(text) ? undefined : `--shard ${text}: expected i/n with 1 ≤ i ≤ n (e.g. --shard 1/2 and --shard 2/2 on two runners)`;
}

export function parseShard(text: string): Shard {
  const shard = shardOf(text);
  if (!shard) throw new ScenarioError(shardProblem(text) ?? `--shard ${text}`);
  return shard;
}

const describeSuite = (s: SuiteIdentity): string =>
  `gameday ${s.gameday}${s.commit ? ` (${s.commit.slice(0, 12)})` : ""} on ${s.platform}, ${s.scenarios.length} scenario(s) [${s.scenarios.join(", ")}], selection ${s.selection.slice(0, 12)}`;

/**
 * Merges the shards' verdicts. Refused (exit 2): a directory that no sharded `gameday run` wrote,
 * shards of different suites or versions, a shard given twice, a shard missing.
 */
export function mergeVerdicts(parts: readonly { dir: string; verdict: VerdictFile }[]): VerdictFile & { suite: SuiteIdentity; shards: string[] } {
  if (parts.length === 0) throw new ScenarioError("merge: name the shards' reports directories, e.g. gameday merge reports-1 reports-2");
  for (const { dir, verdict } of parts) {
    if (!verdict.suite) throw new ScenarioError(`${dir}/verdict.json names no suite: it was not written by gameday run (use gameday run --shard i/n)`);
    if (!verdict.shard) throw new ScenarioError(`${dir}/verdict.json is not a shard: run it with gameday run --shard i/n`);
  }
  const [first] = parts;
  const suite = first!.verdict.suite!;
  for (const { dir, verdict } of parts.slice(1)) {
    if (JSON.stringify(verdict.suite) !== JSON.stringify(suite)) {
      throw new ScenarioError(
        `${dir} ran another suite than ${first!.dir}:\n  ${first!.dir}: ${describeSuite(suite)}\n  ${dir}: ${describeSuite(verdict.suite!)}\nmerge the shards of one run (same version, platform, scenarios and variables)`,
      );
    }
  }
  const total = first!.verdict.shard!.total;
  const seen = new Map<number, string>();
  for (const { dir, verdict } of parts) {
    const shard = verdict.shard!;
    if (shard.total !== total) throw new ScenarioError(`${dir} is shard ${shard.current}/${shard.total}, ${first!.dir} is shard ${first!.verdict.shard!.current}/${total}: merge the shards of one run`);
    const earlier = seen.get(shard.current);
    if (earlier) throw new ScenarioError(`shard ${shard.current}/${total} given twice: ${earlier} and ${dir}`);
    seen.set(shard.current, dir);
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new ScenarioError(`shard(s) ${missing.map((i) => `${i}/${total}`).join(", ")} missing: a merged verdict needs every shard (given: ${[...seen.keys()].sort().map((i) => `${i}/${total}`).join(", ")})`);
  }
  const tests = parts.flatMap((p) => p.verdict.tests);
  let verdict = combine(parts.map((p) => p.verdict.verdict));
  if (tests.length === 0 && verdict === "passed") verdict = "harness error"; // a suite that ran nothing proves nothing
  const failed = tests.filter((t) => t.verdict !== "passed").length;
  return {
    verdict,
    exitCode: EXIT_CODES[verdict],
    passed: tests.length - failed,
    failed,
    tests,
    suite,
    shards: [...seen.entries()].sort(([a], [b]) => a - b).map(([i, dir]) => `${i}/${total}: ${dir}`),
  };
}

const ROOT_ELEMENT = /<testsuites\b([^>]*)>([\s\S]*)<\/testsuites>\s*$/;
const COUNTED = ["tests", "failures", "skipped", "errors", "time"] as const;

/** One JUnit file from several: the shards' <testsuite> elements side by side, the counts summed. */
export function mergeJunit(files: readonly { name: string; xml: string }[]): string {
  const totals: Record<(typeof COUNTED)[number], number> = { tests: 0, failures: 0, skipped: 0, errors: 0, time: 0 };
  const bodies: string[] = [];
  for (const { name, xml } of files) {
    const match = ROOT_ELEMENT.exec(xml);
    if (!match) throw new ScenarioError(`${name}: not a JUnit file with a <testsuites> root`);
    for (const key of COUNTED) totals[key] += Number(new RegExp(`\\b${key}="([\\d.]+)"`).exec(match[1] ?? "")?.[1] ?? 0);
    bodies.push((match[2] ?? "").trim());
  }
  const attributes = COUNTED.map((k) => `${k}="${k === "time" ? totals.time.toFixed(3) : totals[k]}"`).join(" ");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites id="gameday" name="gameday (merged shards)" ${attributes}>\n${bodies.join("\n")}\n</testsuites>\n`;
}
