// Playwright global setup: allure-playwright never cleans its results directory, and stale results
// would show old failures in a new report.
import fs from "node:fs";

export default function cleanResults(): void {
  const reports = process.env.GAMEDAY_REPORTS_DIR ?? "reports";
  for (const dir of [`${reports}/allure-results`, `${reports}/junit`]) fs.rmSync(dir, { recursive: true, force: true });
  // The summary of an earlier run goes too (its history entry stays: that is the trend).
  for (const file of ["verdict.json", "gameday.json", "summary.html"]) fs.rmSync(`${reports}/${file}`, { force: true });
}
