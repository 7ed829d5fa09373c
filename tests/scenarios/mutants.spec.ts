// Mutation checks: every shipped scenario must catch a fault that was not applied (harness error:
// fault not effective) and a recovery that was skipped (a finding). A mutant that passes means the
// scenario cannot tell a broken game day from a good one.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Fault } from "../../fixtures/index.ts";
import { runScenario, type RunOptions } from "../../fixtures/scenario-runner.ts";
import { inertPlatform } from "../../helpers/platforms/inert.ts";
import { classifyFailure } from "../../helpers/report/verdict.ts";
import { loadScenario, type LoadedScenario } from "../../helpers/scenario/loader.ts";
import type { Scenario } from "../../helpers/scenario/schema.ts";

const files = fs.readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).sort();

interface Mutant {
  scenario: LoadedScenario;
  options: RunOptions;
}

/** Faults whose platform performs nothing. */
function faultsNotApplied(loaded: LoadedScenario): Mutant {
  const inert = (fault: Fault): Fault => ({ ...fault, inject: (context) => fault.inject({ ...context, platform: inertPlatform(context.platform) }) });
  return { scenario: loaded, options: { wrapFault: inert } };
}

/** No revert in the recover phase, and short after-deadlines so the mutant fails fast. */
function recoverySkipped(loaded: LoadedScenario): Mutant {
  const scenario: Scenario = {
    ...loaded.scenario,
    recover: { ...loaded.scenario.recover, revert: false },
    after: loaded.scenario.after.map((spec) => ("within" in spec && spec.within !== undefined ? { ...spec, within: Math.min(spec.within, 5_000) } : spec)),
  };
  return { scenario: { ...loaded, scenario }, options: {} };
}

const mutants = [
  { name: "fault not applied", mutate: faultsNotApplied, verdict: "harness error" },
  { name: "recovery skipped", mutate: recoverySkipped, verdict: "finding" },
] as const;

for (const file of files) {
  const loaded = loadScenario(path.join("scenarios", file));
  for (const mutant of mutants) {
    test(`${loaded.scenario.name}: the mutant "${mutant.name}" fails as a ${mutant.verdict}`, { tag: ["@mutant"] }, async ({ page, platform, queues, chaos, timeline, journeys }) => {
      const { scenario, options } = mutant.mutate(loaded);
      const failure = await runScenario(scenario, { page, platform, queues, chaos, timeline, journeys }, options).then(
        () => undefined,
        (error: unknown) => error as Error,
      );
      expect(failure, `the "${mutant.name}" mutant of ${file} passed: the scenario cannot detect it`).toBeInstanceOf(Error);
      const error = failure as Error;
      expect(classifyFailure([{ message: error.message, stack: error.stack }]), error.message).toBe(mutant.verdict);
      await test.info().attach("how the mutant failed", { body: error.message, contentType: "text/plain" });
    });
  }
}
