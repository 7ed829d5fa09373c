// Every scenario file becomes one test whose steps are its phases. Which files: GAMEDAY_SCENARIOS
// (a list separated by the path delimiter, set by `gameday run <file…>`), or every scenarios/*.yaml.
import fs from "node:fs";
import path from "node:path";
import * as allure from "allure-js-commons";
import { test } from "../../fixtures/index.ts";
import { runScenario } from "../../fixtures/scenario-runner.ts";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { redact } from "../../helpers/core/redact.ts";
import { loadScenario, type LoadedScenario } from "../../helpers/scenario/loader.ts";
import { scenarioVariablesFromEnv } from "../../helpers/scenario/selection.ts";

const SCENARIOS_DIR = path.resolve("scenarios");

function selectedFiles(): string[] {
  const listed = process.env.GAMEDAY_SCENARIOS;
  if (listed) return listed.split(path.delimiter).filter((f) => f !== "").map((f) => path.resolve(f));
  return fs
    .readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => path.join(SCENARIOS_DIR, f));
}

for (const file of selectedFiles()) {
  const relative = path.relative(process.cwd(), file);
  let loaded: LoadedScenario | undefined;
  let problem: unknown;
  try {
    loaded = loadScenario(file, { variables: scenarioVariablesFromEnv() });
  } catch (error) {
    problem = error;
  }
  if (!loaded) {
    // Still a test, so the verdict reporter sees invalid input (exit 2) rather than a crashed run.
    test(`${relative} (invalid)`, { tag: ["@scenario", "@invalid"] }, () => {
      throw problem instanceof ScenarioError ? problem : new ScenarioError(String(problem));
    });
    continue;
  }
  const scenario = loaded.scenario;
  const scenarioFile = loaded;
  test(
    scenario.name,
    { tag: ["@scenario", ...scenario.tags.map((t) => `@${t}`)], annotation: [{ type: "scenario", description: relative }, { type: "description", description: scenario.description }] },
    async ({ page, platform, queues, chaos, timeline, journeys, target }) => {
      test.skip(scenario.target !== target.name, `scenario targets ${scenario.target}; this project runs ${target.name}`);
      await allure.epic(scenario.target);
      await allure.feature(scenario.name);
      await allure.severity(scenario.severity);
      await allure.description(scenario.description);
      await test.info().attach("scenario", { body: redact(scenarioFile.source, scenarioFile.secrets), contentType: "text/yaml" });
      await runScenario(scenarioFile, { page, platform, queues, chaos, timeline, journeys });
    },
  );
}
