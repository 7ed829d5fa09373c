// gameday merge DIR…: the shards of one run (`gameday run --shard i/n`, each with its own reports
// directory) into one report, one JUnit file, one verdict.json and one exit code.
import fs from "node:fs";
import path from "node:path";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { buildHtmlReport } from "../../helpers/report/html-report.ts";
import { mergeJunit, mergeVerdicts, type VerdictFile } from "../../helpers/report/shards.ts";
import { parseCommandLine } from "../options.ts";
import { REPORTS, ROOT } from "../paths.ts";

const MERGE = { command: "merge", options: { out: { value: "dir" } }, positionals: "files" } as const;

function readShard(dir: string): { dir: string; verdict: VerdictFile } {
  const file = path.join(dir, "verdict.json");
  if (!fs.existsSync(file)) throw new ScenarioError(`${dir} holds no verdict.json: name the reports directory each gameday run --shard wrote (GAMEDAY_REPORTS_DIR)`);
  try {
    return { dir, verdict: JSON.parse(fs.readFileSync(file, "utf8")) as VerdictFile };
  } catch (error) {
    throw new ScenarioError(`${file} is not JSON (${error instanceof Error ? error.message : String(error)}): was the shard's run cut short?`);
  }
}

export async function merge(args: string[]): Promise<number> {
  const { values, files: dirs } = parseCommandLine(MERGE, args);
  const out = path.resolve(values.out ?? REPORTS);
  const shown = (dir: string): string => path.relative(process.cwd(), dir) || ".";
  if (dirs.map((d) => path.resolve(d)).includes(out)) throw new ScenarioError(`--out ${shown(out)} is one of the shards: merge into another directory`);
  const merged = mergeVerdicts(dirs.map(readShard));

  const results = path.join(out, "allure-results");
  fs.rmSync(results, { recursive: true, force: true });
  fs.mkdirSync(results, { recursive: true });
  // Allure results are one file per test, container and attachment, named by uuid: a merge is a copy.
  for (const dir of dirs) {
    const from = path.join(dir, "allure-results");
    if (fs.existsSync(from)) fs.cpSync(from, results, { recursive: true });
  }
  const junits = dirs.map((dir) => path.join(dir, "junit", "results.xml")).filter((file) => fs.existsSync(file));
  const junit = path.join(out, "junit", "results.xml");
  fs.mkdirSync(path.dirname(junit), { recursive: true });
  fs.writeFileSync(junit, mergeJunit(junits.map((file) => ({ name: file, xml: fs.readFileSync(file, "utf8") }))));
  fs.writeFileSync(path.join(out, "verdict.json"), JSON.stringify(merged, null, 2));
  const report = await buildHtmlReport({ resultsDir: results, outputDir: path.join(out, "allure-report"), cwd: ROOT });

  console.log(`gameday verdict: ${merged.verdict} (${merged.passed} passed, ${merged.failed} failed) over ${merged.shards.length} shard(s)`);
  for (const shard of merged.shards) console.log(`  shard ${shard}`);
  console.log(`  report: ${shown(report)}   (one file; open it in a browser)\n  junit:  ${shown(junit)}\n  verdict: ${shown(path.join(out, "verdict.json"))}`);
  return merged.exitCode;
}
