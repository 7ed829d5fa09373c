// `gameday run --live` as a facilitator's audience sees it: a real run of the headline scenario on the
// embedded target, its live page opened in Chromium while the run goes. The page must show the fault
// marker when the fault goes in and the queue depth rising as orders pile up, then the checks' outcomes.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { gameday } from "./support/cli.ts";

test.describe.configure({ timeout: 420_000 });

test("the live page follows a run: phases, the fault marker, the queue depth rising, outcomes", async ({ page }) => {
  const reports = test.info().outputPath("reports");
  fs.rmSync(reports, { recursive: true, force: true });
  const { CI: _ci, ...rest } = process.env;
  const env = { ...rest, GAMEDAY_REPORTS_DIR: reports, GAMEDAY_STATE_DIR: path.join(reports, "state") };
  let url: string | undefined;
  const stop = new AbortController(); // a failed expectation below still ends the run, reverted
  const run = gameday(["run", "--live", "--var", "orders=2", "scenarios/queue-consumer-outage.yaml"], env, (output) => {
    url ??= /live view at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
  }, stop.signal);
  try {
    await follow();
  } finally {
    stop.abort();
    await run;
  }

  async function follow(): Promise<void> {
    let finished = false;
    void run.finally(() => (finished = true));
    await expect.poll(() => url ?? (finished ? "exited" : undefined), { message: "the live view's URL is printed at the start", timeout: 60_000 }).toMatch(/^http:/);
    await page.goto(url ?? "");
    await expect(page.locator("#status")).toContainText("connected", { timeout: 10_000 });

    // The fault marker, as the fault goes in (the target starts first: a minute or two on a loaded machine).
    await expect(page.locator("#markers")).toContainText("inject: scale deployment queue-master to 0", { timeout: 240_000 });
    await expect(page.locator("#phases")).toContainText("inject");
    // The depth as sampled, read off the page while the orders pile up: it must rise, from 0 to the 2 orders placed.
    const depth = page.locator('#latest tr[data-series="queue shipping-task depth"] td.value');
    const seen: number[] = [];
    await expect
      .poll(
        async () => {
          const value = Number(await depth.textContent());
          if (seen.at(-1) !== value) seen.push(value);
          return Math.max(...seen);
        },
        { message: "the queue depth on the live page rises to the 2 orders placed", timeout: 120_000, intervals: [250] },
      )
      .toBe(2);
    expect(seen[0], `depth values seen in order: ${seen.join(" → ")}`).toBeLessThan(2);
    await expect(page.locator("#chart svg")).toBeVisible();
    await test.info().attach("live page during the fault", { body: await page.screenshot({ fullPage: true }), contentType: "image/png" });

    const result = await run;
    await test.info().attach("terminal", { body: result.output, contentType: "text/plain" });
    expect(result.code, result.output).toBe(0);
    // Outcomes arrived as they ended, and the revert too.
    await expect(page.locator("#outcomes")).toContainText("eventually: queue shipping-task the backlog drains");
    await expect(page.locator("#markers")).toContainText("revert: scale deployment queue-master to 0");
    await expect(page.locator("#outcomes li.failed")).toHaveCount(0);
  }
});
