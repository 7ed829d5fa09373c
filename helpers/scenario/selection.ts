// Which scenario files a run means, and how the CLI hands its choices to the Playwright run.
import fs from "node:fs";
import path from "node:path";

/** The one rule for what counts as a scenario file: *.yaml or *.yml, but not a Prometheus rule file (*.rules.yml). */
export const SCENARIO_FILE = /(?<!\.rules)\.ya?ml$/;

/** The scenario files in a directory and below it, in name order. */
export function scenarioFilesIn(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: "utf8" }))
    .filter((entry) => SCENARIO_FILE.test(entry))
    .sort()
    .map((entry) => path.join(dir, entry));
}

/** Files as given; a directory stands for the scenario files in it and below it. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  return paths.flatMap((file) => (fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ? scenarioFilesIn(file) : [file]));
}

/** The scenarios a Playwright run was handed (GAMEDAY_SCENARIOS, path-delimited), else every one under `dir`. */
export function selectedScenarioFiles(dir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.GAMEDAY_SCENARIOS;
  if (listed) return listed.split(path.delimiter).filter((f) => f !== "").map((f) => path.resolve(f));
  return scenarioFilesIn(path.resolve(dir));
}

/** The scenario variables the CLI handed on: GAMEDAY_VARIABLES holds a JSON object. */
export function scenarioVariablesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env.GAMEDAY_VARIABLES;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through
  }
  return {};
}
