// Builds the single-file Allure 3 report and removes its analytics: Allure 3's awesome plugin
// hard-codes a Google Tag Manager script, and a game-day report must not call out.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { HarnessError } from "../core/errors.ts";
import { putGameDayFirst } from "./allure-results.ts";

const run = promisify(execFile);

const ANALYTICS = [
  /<script[^>]*src="https:\/\/www\.googletagmanager\.com[^"]*"[^>]*>\s*<\/script>/g,
  /<script>(?:(?!<\/script>)[\s\S])*?gtag\((?:(?!<\/script>)[\s\S])*?<\/script>/g,
];

export function stripAnalytics(html: string): string {
  return ANALYTICS.reduce((text, pattern) => text.replace(pattern, ""), html);
}

export async function buildHtmlReport(options: { resultsDir: string; outputDir: string; cwd: string }): Promise<string> {
  if (!fs.existsSync(options.resultsDir) || fs.readdirSync(options.resultsDir).length === 0) {
    throw new HarnessError(`no Allure results in ${options.resultsDir}: run the game day first (npm run gameday)`);
  }
  fs.rmSync(options.outputDir, { recursive: true, force: true });
  putGameDayFirst(options.resultsDir);
  const allure = path.join(options.cwd, "node_modules", "allure", "cli.js");
  const bin = fs.existsSync(allure) ? [process.execPath, allure] : ["npx", "allure"];
  const [command, ...prefix] = bin as [string, ...string[]];
  try {
    await run(command, [...prefix, "generate", options.resultsDir, "-o", options.outputDir, "-c", path.join(options.cwd, "allurerc.mjs")], {
      cwd: options.cwd,
      timeout: 120_000,
    });
  } catch (error) {
    throw new HarnessError(`allure generate failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const index = path.join(options.outputDir, "index.html");
  if (!fs.existsSync(index)) throw new HarnessError(`allure generate wrote no ${index}`);
  fs.writeFileSync(index, stripAnalytics(fs.readFileSync(index, "utf8")));
  return index;
}
