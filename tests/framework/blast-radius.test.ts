// The blast radius as a user meets it: a scenario whose fault would take away more than the caps
// allow is refused before its first injection, with the numbers, exit 2, nothing recorded.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { gameday } from "./support/cli.ts";

test("gameday run --max-percent 50: scaling queue-master's only replica to 0 is refused with the numbers, exit 2, and nothing is recorded", async ({}, testInfo) => {
  test.setTimeout(240_000);
  const stateDir = testInfo.outputPath("state");
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports") };
  delete env.CI;
  const { code, output } = await gameday(["run", "scenarios/queue-consumer-outage.yaml", "--max-percent", "50"], env);
  expect(output).toContain("scale deployment queue-master to 0: takes away 1 of 1 replica(s) (100%), over the blast-radius cap of 50%; lower the count or raise --max-percent (GAMEDAY_MAX_PERCENT)");
  expect(output).toContain("gameday verdict: invalid input");
  expect(code, output).toBe(2);
  const ledger = path.join(stateDir, "ledger.jsonl");
  expect(fs.existsSync(ledger) ? new Ledger(ledger).entries() : [], "nothing was recorded, so nothing was changed").toEqual([]);
});
