// `gameday validate`: load every file, collect every failure, print a line per valid scenario and
// the full problems of each invalid one. The CLI exits 2 when any file failed.
import { describeError, ScenarioError } from "../core/errors.ts";
import { loadScenario, positionOf, type LoadedScenario, type LoadOptions } from "./loader.ts";
import { formatProblems } from "./problems.ts";
import { expandScenarioPaths } from "./selection.ts";

export interface ValidationFailure {
  file: string;
  message: string;
}

export interface Validation {
  ok: LoadedScenario[];
  failures: ValidationFailure[];
}

export function validateFiles(files: readonly string[], options: LoadOptions = {}): Validation {
  const ok: LoadedScenario[] = [];
  const failures: ValidationFailure[] = [];
  const byName = new Map<string, string>();
  for (const file of expandScenarioPaths(files)) {
    try {
      const loaded = loadScenario(file, options);
      const other = byName.get(loaded.scenario.name);
      if (other !== undefined) {
        const problem = {
          file,
          ...positionOf(loaded.source, ["name"]),
          path: "name",
          code: "duplicate_name",
          message: `the name "${loaded.scenario.name}" is already used by ${other}`,
          fix: "scenario names name their tests and reports: give each scenario its own",
        };
        failures.push({ file, message: formatProblems(file, [problem], loaded.source, loaded.secrets) });
        continue;
      }
      byName.set(loaded.scenario.name, file);
      ok.push(loaded);
    } catch (error) {
      // Only bad input is expected here; anything else is a bug, still reported per file rather than thrown.
      failures.push({ file, message: error instanceof ScenarioError ? error.message : `${file}: could not be validated: ${describeError(error)}` });
    }
  }
  return { ok, failures };
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export function formatValidation(result: Validation): string {
  const lines = result.ok.map(({ file, scenario: s }) => {
    const invariants = s["steady-state"].length + s.proof.length + s.during.invariants.length + s.after.length;
    return `✓ ${file}  ${s.name}: ${plural(s.faults.length, "fault")}, ${plural(invariants, "invariant")}, ${plural(s.during.journeys.length, "journey")}${s.during.load ? `, load ${s.during.load.flow} (${s.during.load.executor})` : ""}`;
  });
  const failed = result.failures.map((f) => `✗ ${f.message}`);
  const total = result.ok.length + result.failures.length;
  const summary =
    total === 0
      ? "no scenario files given"
      : result.failures.length === 0
        ? `${plural(total, "scenario")} valid`
        : `${result.failures.length} of ${plural(total, "scenario")} invalid`;
  return [...lines, ...failed.flatMap((f) => ["", f]), "", summary].join("\n");
}
