// Interrupting a run reverts its faults in the run itself, before it exits: SIGINT (Ctrl-C) to the
// Playwright runner, and SIGTERM (what CI sends when it cancels) to `gameday run`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { Ledger } from "../../helpers/ledger/ledger.ts";

const root = process.cwd();

const INLINE_SPEC = `
import fs from "node:fs";
import { test, scaleDeployment } from ${JSON.stringify(path.join(root, "fixtures/index.ts"))};
const WORKER = 'require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1"); process.stdin.on("end", () => process.exit(0)); process.stdin.resume();';
const deployment = (name) => ({ name, command: process.execPath, args: ["-e", WORKER], replicas: 1, healthPath: "/", image: name + ":1" });
test.use({ target: { name: "tiny", entryService: "a", brokerEndpoint: "rabbitmq", localDeployments: () => [deployment("a"), deployment("b")] } });
test("interrupted", async ({ chaos }) => {
  await chaos.inject(scaleDeployment({ deployment: "a", replicas: 0 }));
  await chaos.inject(scaleDeployment({ deployment: "b", replicas: 2 }));
  fs.writeFileSync(process.env.JOURNAL, "injected");
  await new Promise(() => {});
});
`;

function ledgerIn(stateDir: string): Ledger {
  return new Ledger(path.join(stateDir, "ledger.jsonl"));
}

test("SIGINT to the runner: both faults reverted, newest first, by the run itself", async ({}, testInfo) => {
  const dir = testInfo.outputPath("inline");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
  fs.writeFileSync(
    path.join(dir, "playwright.config.mjs"),
    `export default { testDir: ".", workers: 1, reporter: "dot", use: { launchOptions: { executablePath: process.env.GAMEDAY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] } } };`,
  );
  fs.writeFileSync(path.join(dir, "interrupted.spec.mjs"), INLINE_SPEC);
  const stateDir = path.join(dir, "state");
  const journal = path.join(dir, "journal.txt");
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, JOURNAL: journal };
  delete env.CI;
  const runner = spawn(process.execPath, [path.join(root, "node_modules/@playwright/test/cli.js"), "test", "-c", "playwright.config.mjs"], { cwd: dir, env, stdio: "ignore" });
  await expect.poll(() => fs.existsSync(journal), { timeout: 60_000, message: "the inline game day injected its faults" }).toBe(true);
  expect(ledgerIn(stateDir).outstanding()).toHaveLength(2);
  runner.kill("SIGINT");
  await new Promise((r) => runner.once("exit", r));
  const events = ledgerIn(stateDir).entries().map((e) => `${e.event} ${e.title}`);
  expect(events).toEqual([
    "inject scale deployment a to 0",
    "inject scale deployment b to 2",
    "revert scale deployment b to 2",
    "revert scale deployment a to 0",
  ]);
});

test("SIGTERM to gameday run: the scenario's fault is reverted before it exits with a harness error", { tag: "@long" }, async ({}, testInfo) => {
  test.setTimeout(180_000);
  const stateDir = testInfo.outputPath("state");
  // Its own state and reports directories: the suite's own results must not be touched.
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports") };
  const cli = spawn(process.execPath, ["--import", "tsx", "bin/gameday.ts", "run", "scenarios/queue-consumer-outage.yaml"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  cli.stdout.on("data", (d: Buffer) => (output += d.toString()));
  cli.stderr.on("data", (d: Buffer) => (output += d.toString()));
  await expect
    .poll(() => (fs.existsSync(path.join(stateDir, "ledger.jsonl")) ? ledgerIn(stateDir).outstanding().length : 0), { timeout: 120_000, message: "the fault was injected" })
    .toBe(1);
  cli.kill("SIGTERM");
  const code = await new Promise<number | null>((r) => cli.once("exit", r));
  expect(ledgerIn(stateDir).outstanding(), output).toEqual([]);
  expect(ledgerIn(stateDir).entries().map((e) => e.event)).toEqual(["inject", "revert"]);
  expect(code, output).toBe(3);
});
