// The scenario key `platform:`: the platform `gameday run` and `gameday plan` use when the command line
// gives no --platform. --platform overrides it; scenarios that declare different platforms are refused.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { loadScenarioText } from "../../helpers/scenario/loader.ts";
import { resolvePlatform } from "../../helpers/scenario/platform.ts";
import { gameday } from "./support/cli.ts";

const LOCAL = "scenarios/payment-latency.yaml";

/** The headline scenario under another name (names must be unique in a run), declaring `platform: kubernetes`. */
function kubernetesScenario(file: string): string {
  const text = fs.readFileSync("scenarios/queue-consumer-outage.yaml", "utf8");
  const declared = text.replace(/^name: queue-consumer-outage$/m, "name: queue-consumer-outage-on-kubernetes").replace(/^target: sock-shop$/m, "target: sock-shop\nplatform: kubernetes");
  expect(declared, "the headline scenario still has the lines this test rewrites").toContain("platform: kubernetes");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, declared);
  return file;
}

test("the loaded scenario carries platform: as declared, local when absent", () => {
  const base = fs.readFileSync(LOCAL, "utf8");
  expect(loadScenarioText(base, "a.yaml").scenario.platform).toBe("local");
  expect(loadScenarioText(base.replace(/^target: sock-shop$/m, "target: sock-shop\nplatform: kubernetes"), "b.yaml").scenario.platform).toBe("kubernetes");
});

test("resolution: the scenarios' declared platform, unless --platform overrides it", () => {
  const kubernetes = [
    { file: "a.yaml", platform: "kubernetes" as const },
    { file: "b.yaml", platform: "kubernetes" as const },
  ];
  expect(resolvePlatform(kubernetes)).toEqual({ platform: "kubernetes", from: "scenarios" });
  expect(resolvePlatform([{ file: "c.yaml", platform: "local" }])).toEqual({ platform: "local", from: "scenarios" });
  expect(resolvePlatform(kubernetes, "local")).toEqual({ platform: "local", from: "option" });
  expect(resolvePlatform([], undefined), "nothing declared anything: the default").toEqual({ platform: "local", from: "scenarios" });
});

test("resolution: scenarios that declare different platforms are refused, naming each file and its platform, unless --platform is given", () => {
  const mixed = [
    { file: "scenarios/a.yaml", platform: "local" as const },
    { file: "k8s/b.yaml", platform: "kubernetes" as const },
    { file: "scenarios/c.yaml", platform: "local" as const },
  ];
  let refused: unknown;
  try {
    resolvePlatform(mixed);
  } catch (error) {
    refused = error;
  }
  expect(refused, "mixed platforms are bad input (exit 2)").toBeInstanceOf(ScenarioError);
  expect((refused as ScenarioError).message).toBe(
    [
      "the selected scenarios declare different platforms (platform:, local when absent):",
      "  local       scenarios/a.yaml, scenarios/c.yaml",
      "  kubernetes  k8s/b.yaml",
      "fix: pass --platform, or run them separately (--platform local or --platform kubernetes runs all of them there)",
    ].join("\n"),
  );
  expect(resolvePlatform(mixed, "kubernetes")).toEqual({ platform: "kubernetes", from: "option" });
});

test("the CLI: plan follows platform:, --platform overrides it, and run refuses mixed platforms before starting anything", async ({}, testInfo) => {
  test.setTimeout(60_000);
  const declared = path.relative(process.cwd(), kubernetesScenario(testInfo.outputPath("k8s.yaml")));
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: testInfo.outputPath("state"), GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports") };

  const plan = await gameday(["plan", declared], env);
  expect(plan.code, plan.output).toBe(0);
  expect(plan.output).toContain(`plan for ${declared}: queue-consumer-outage-on-kubernetes → target sock-shop on the kubernetes platform`);
  // The cluster options belong to kubernetes, which the scenario declares: no --platform needed.
  const withNamespace = await gameday(["plan", "--namespace", "shop", declared], env);
  expect(withNamespace.code, withNamespace.output).toBe(0);

  const overridden = await gameday(["plan", "--platform", "local", declared], env);
  expect(overridden.code, overridden.output).toBe(0);
  expect(overridden.output).toContain("target sock-shop on the local platform");

  const mixed = await gameday(["run", declared, LOCAL], env);
  expect(mixed.code, mixed.output).toBe(2);
  expect(mixed.output).toContain("gameday: the selected scenarios declare different platforms (platform:, local when absent):");
  expect(mixed.output).toContain(`  kubernetes  ${declared}\n  local       ${LOCAL}\n`);
  expect(mixed.output).toContain("fix: pass --platform, or run them separately");
  expect(mixed.output, "refused before Playwright or a control plane started").not.toMatch(/Running \d+ test|embedded Kubernetes control plane/);
  expect(fs.existsSync(testInfo.outputPath("reports")), "nothing was run, so no report").toBe(false);
});

test("gameday run refuses a distributed load moved to --platform local: exit 2 at the key, nothing started", async () => {
  const file = path.join(test.info().outputDir, "distributed.yaml");
  const text = fs
    .readFileSync("scenarios/queue-consumer-outage-under-load.yaml", "utf8")
    .replace(/^target: sock-shop$/m, "target: sock-shop\nplatform: kubernetes")
    .replace(/^    preAllocatedVUs: 20$/m, "    distributed: { pods: 2 }\n    preAllocatedVUs: 20");
  expect(text, "the scenario still has the lines this test rewrites").toContain("distributed: { pods: 2 }");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  const line = text.split("\n").findIndex((l) => l.includes("distributed:")) + 1;
  const result = await gameday(["run", file, "--platform", "local"]);
  expect(result.code, result.output).toBe(2);
  expect(result.stderr).toContain(`distributed.yaml:${line}:5  during.load.distributed runs the load as pods of a Kubernetes Indexed Job, and this run uses --platform local`);
  expect(result.stderr).toContain("fix: run with --platform kubernetes");
  expect(result.output).not.toMatch(/Running \d+ test/);
});
