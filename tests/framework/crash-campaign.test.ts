// CI's slice of the crash campaign (tests/campaigns/crash.ts; the whole campaign: npm run campaign):
// a few seeded kill points over the shipped scenarios on both platforms, each a real `gameday run`
// SIGKILLed with its workers, then `gameday restore`; nothing may be left.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { seedFromEnv } from "../../helpers/core/seeded.ts";
import { scenarioFilesIn } from "../../helpers/scenario/selection.ts";
import { describeCampaign, KILL_PHASES, killPoints, runCrashCampaign } from "../campaigns/crash.ts";

const KILLS = Number(process.env.GAMEDAY_CRASH_SLICE ?? 4);
const scenarios = scenarioFilesIn("scenarios");

test("kill points are a function of the seed: the same seed replays them, other seeds spread over scenarios, platforms and phases", () => {
  const options = { scenarios, platforms: ["local", "kubernetes"] as const };
  expect(killPoints(11, 20, options)).toEqual(killPoints(11, 20, options));
  const many = killPoints(5, 200, options);
  expect(new Set(many.map((p) => p.phase))).toEqual(new Set(KILL_PHASES));
  expect(new Set(many.map((p) => p.platform)).size).toBe(2);
  expect(new Set(many.map((p) => p.scenario)).size).toBe(scenarios.length);
});

test("the seeded slice: SIGKILL the runner, gameday restore, nothing left", async ({}, testInfo) => {
  test.setTimeout(KILLS * 240_000);
  const seed = seedFromEnv(1);
  const points = killPoints(seed, KILLS, { scenarios, platforms: ["local", "kubernetes"] });
  const workDir = testInfo.outputPath("campaign");
  fs.mkdirSync(workDir, { recursive: true });
  const report = await runCrashCampaign(points, seed, workDir, (line) => console.log(line));
  const text = describeCampaign(report);
  await testInfo.attach("crash campaign", { body: `${text}\n\n${JSON.stringify(report.outcomes, null, 2)}`, contentType: "text/plain" });
  expect(report.leftovers, text).toBe(0);
  expect(report.outcomes.filter((o) => o.killedIn !== "finished").length, `no run was killed: ${text}`).toBeGreaterThan(KILLS / 2);
});
