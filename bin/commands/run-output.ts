// What `gameday run` prints: for a person (helpers/report/gameday-reporter.ts) unless CI is set or
// --reporter playwright asks for Playwright's list reporter (steps included), as CI logs expect.
import fs from "node:fs";
import path from "node:path";
import type { OptionSpecs } from "../options.ts";

const REPORTERS = ["human", "playwright"] as const;

export const REPORTER_OPTION = {
  reporter: {
    value: REPORTERS.join("|"),
    check: (value) => ((REPORTERS as readonly string[]).includes(value) ? undefined : `--reporter ${value} is not available; available: ${REPORTERS.join(", ")}`),
  },
} as const satisfies OptionSpecs;

/** The environment that picks the terminal reporter in playwright.config.ts. */
export function reporterEnv(choice: string | undefined, env: NodeJS.ProcessEnv = process.env): { GAMEDAY_REPORTER: string } {
  const human = choice === undefined ? !env.CI : choice === "human";
  return { GAMEDAY_REPORTER: human ? "human" : "playwright" };
}

/** "  summary: reports/summary.html   (resilience score 100 of 100)", when the run wrote one. */
export function summaryLines(reports: string): string[] {
  const data = path.join(reports, "gameday.json");
  const page = path.join(reports, "summary.html");
  if (!fs.existsSync(page) || !fs.existsSync(data)) return [];
  let score = "";
  try {
    const parsed = JSON.parse(fs.readFileSync(data, "utf8")) as { score?: number | null };
    score = typeof parsed.score === "number" ? `   (resilience score ${parsed.score} of 100)` : "";
  } catch {
    // the page is still worth pointing at
  }
  return [`  summary: ${path.relative(process.cwd(), page)}${score}`];
}
