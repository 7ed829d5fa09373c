// Playwright global setup: allure-playwright never cleans its results directory, and stale results
// would show old failures in a new report.
import fs from "node:fs";

export default function cleanResults(): void {
  const reports = process.env.GAMEDAY_REPORTS_DIR ?? "reports";
  for (const dir of [`${reports}/allure-results`, `${reports}/junit`]) fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(`${reports}/verdict.json`, { force: true });
}
