// gameday report: rebuild the single-file HTML report from reports/allure-results (`run` builds it too).
import path from "node:path";
import { buildHtmlReport } from "../../helpers/report/html-report.ts";
import { parseCommandLine } from "../options.ts";
import { REPORTS, ROOT } from "../paths.ts";

/** Builds the report; returns its path relative to the working directory. */
export async function buildReport(): Promise<string> {
  const index = await buildHtmlReport({ resultsDir: path.join(REPORTS, "allure-results"), outputDir: path.join(REPORTS, "allure-report"), cwd: ROOT });
  return path.relative(process.cwd(), index);
}

export async function report(args: string[]): Promise<number> {
  parseCommandLine({ command: "report", options: {}, positionals: "none" }, args);
  console.log(`report: ${await buildReport()}`);
  return 0;
}
