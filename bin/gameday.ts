#!/usr/bin/env -S node --import tsx
// gameday: run game days, build the report, bring the embedded target up. Exit codes follow the CI
// contract: 0 passed, 1 finding, 2 invalid input, 3 harness error.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sweepOrphanedNodes } from "../helpers/broker/rabbitmq.ts";
import { orphaned } from "../helpers/core/leftovers.ts";
import { LocalPlatform } from "../helpers/platforms/local/local-platform.ts";
import { buildHtmlReport } from "../helpers/report/html-report.ts";
import { EXIT_CODES, type Verdict } from "../helpers/report/verdict.ts";
import { sockShop } from "../sock-shop/target.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPORTS = path.join(ROOT, "reports");

const USAGE = `usage: gameday <command>

  run [--grep <text>] [-- <playwright args>]
                run the game days (tests tagged @gameday) on the embedded Sock Shop, then build the report
  report        build the single-file HTML report from reports/allure-results
  up            start the embedded Sock Shop and its RabbitMQ in the foreground (Ctrl-C stops it)
  down          remove what crashed runs left behind (private RabbitMQ nodes, vhosts)

exit codes: 0 passed · 1 finding · 2 invalid input · 3 harness error`;

function invalid(message: string): never {
  console.error(`gameday: ${message}\n\n${USAGE}`);
  process.exit(EXIT_CODES["invalid input"]);
}

function playwright(args: string[]): Promise<number> {
  const cli = path.join(ROOT, "node_modules", "@playwright", "test", "cli.js");
  const child = spawn(process.execPath, [cli, "test", ...args], { cwd: ROOT, stdio: "inherit" });
  // Ctrl-C and SIGTERM reach Playwright, whose fixtures then revert every fault before exiting.
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.on("SIGINT", forward("SIGINT"));
  process.on("SIGTERM", forward("SIGTERM"));
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? EXIT_CODES["harness error"])));
}

function readVerdict(): { verdict: Verdict; exitCode: number; passed: number; failed: number } | undefined {
  const file = path.join(REPORTS, "verdict.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as { verdict: Verdict; exitCode: number; passed: number; failed: number };
}

async function report(): Promise<string> {
  const index = await buildHtmlReport({ resultsDir: path.join(REPORTS, "allure-results"), outputDir: path.join(REPORTS, "allure-report"), cwd: ROOT });
  return path.relative(process.cwd(), index);
}

async function run(args: string[]): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator === -1 ? args : args.slice(0, separator);
  const passthrough = separator === -1 ? [] : args.slice(separator + 1);
  let grep = "@gameday";
  for (let i = 0; i < own.length; i++) {
    if (own[i] === "--grep" && own[i + 1]) grep = own[++i] as string;
    else invalid(`unknown argument to run: ${own[i] ?? ""}`);
  }
  const playwrightExit = await playwright(["--project=sock-shop", "--grep", grep, ...passthrough]);
  const verdict = readVerdict();
  let reportPath = "(not built)";
  try {
    reportPath = await report();
  } catch (error) {
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`
gameday ${verdict ? `verdict: ${verdict.verdict} (${verdict.passed} passed, ${verdict.failed} failed)` : "verdict: harness error (the run produced no verdict)"}
  report: ${reportPath}   (one file; open it in a browser)
  junit:  ${path.relative(process.cwd(), path.join(REPORTS, "junit", "results.xml"))}`);
  if (!verdict) return EXIT_CODES["harness error"];
  if (playwrightExit !== 0 && verdict.exitCode === 0) return EXIT_CODES["harness error"];
  return verdict.exitCode;
}

async function up(): Promise<number> {
  const platform = await LocalPlatform.start({
    target: sockShop,
    runId: `up-${Date.now().toString(36)}`,
    workDir: path.join(ROOT, ".gameday", "runs"),
    sharedBrokerUrl: process.env.RABBITMQ_URL,
    log: (line) => console.log(line),
  });
  console.log(`Sock Shop is up in ${(platform.bootMs / 1000).toFixed(1)} s (RabbitMQ: ${platform.broker.origin}, ${platform.broker.display})`);
  console.log(`  shop:   ${platform.endpoint("front-end")}/   (log in as user / password)`);
  console.log(`  logs:   ${path.relative(process.cwd(), path.join(platform.runDir, "logs"))}/`);
  console.log("Ctrl-C stops everything.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await platform.dispose();
  console.log("stopped");
  return 0;
}

async function down(): Promise<number> {
  const nodes = await sweepOrphanedNodes();
  const vhosts = orphaned("vhost").length;
  console.log(`stopped ${nodes} private RabbitMQ node(s) left by crashed runs`);
  if (vhosts > 0) console.log(`${vhosts} vhost(s) of crashed runs remain on RABBITMQ_URL; the next run with RABBITMQ_URL removes them`);
  return 0;
}

const [command, ...rest] = process.argv.slice(2);
const commands: Record<string, (args: string[]) => Promise<number>> = {
  run,
  report: async () => {
    console.log(`report: ${await report()}`);
    return 0;
  },
  up,
  down,
};
if (!command || command === "--help" || command === "help") {
  console.log(USAGE);
  process.exit(command ? 0 : EXIT_CODES["invalid input"]);
}
const handler = commands[command];
if (!handler) invalid(`unknown command "${command}"`);
handler(rest).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(EXIT_CODES["harness error"]);
  },
);
