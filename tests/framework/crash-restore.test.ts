// Crash safety: the runner is SIGKILLed (with its workers: no teardown runs at all) at random points
// of a game day, 10 times. After each, `gameday restore` must leave nothing behind: no outstanding
// fault in the ledger, no process of the run, no broker node or vhost of the run.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { acceptsConnections } from "../../helpers/broker/rabbitmq.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";

const run = promisify(execFile);
const root = process.cwd();
const CRASHES = Number(process.env.GAMEDAY_CRASH_POINTS ?? 10); // the shipped scenarios' crash campaign (crash-campaign.test.ts, npm run campaign) adds real runs
const STAGES = ["booting", "started", "injected a", "injected b"];
const SHARED = process.env.GAMEDAY_TEST_SHARED_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672/";

const INLINE_SPEC = `
import fs from "node:fs";
import { test, scaleDeployment } from ${JSON.stringify(path.join(root, "fixtures/index.ts"))};
const journal = (line) => fs.appendFileSync(process.env.JOURNAL, line + "\\n");
const WORKER = 'require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1"); process.stdin.on("end", () => process.exit(0)); process.stdin.resume();';
const deployment = (name, replicas) => ({ name, command: process.execPath, args: ["-e", WORKER], replicas, healthPath: "/", image: name + ":1" });
const tiny = { name: "tiny", entryService: "a", brokerEndpoint: "rabbitmq", localDeployments: () => [deployment("a", 1), deployment("b", 1)] };
test.use({ target: tiny });
test("a game day that is killed", async ({ chaos }) => {
  journal("started");
  await chaos.inject(scaleDeployment({ deployment: "a", replicas: 0 }));
  journal("injected a");
  await chaos.inject(scaleDeployment({ deployment: "b", replicas: 3 }));
  journal("injected b");
  await new Promise(() => {});
});
`;

const INLINE_CONFIG = `
export default {
  testDir: ".", workers: 1, retries: 0, timeout: 120000, reporter: "dot",
  use: { launchOptions: { executablePath: process.env.GAMEDAY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] } },
};
`;

const reachable = (url: string): Promise<boolean> => acceptsConnections(url, 2_000);

/** Pids of processes (not this one) whose environment names this state directory. */
function processesUsing(stateDir: string): number[] {
  const needle = `GAMEDAY_STATE_DIR=${stateDir}\0`;
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
        if (stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z") return false;
        return `${fs.readFileSync(`/proc/${p}/environ`, "utf8")}\0`.includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("SIGKILL at random points during faults, then restore: nothing is left behind", { tag: "@long" }, async ({}, testInfo) => {
  test.setTimeout(CRASHES * 30_000);
  const dir = testInfo.outputPath("inline");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
  fs.writeFileSync(path.join(dir, "playwright.config.mjs"), INLINE_CONFIG);
  fs.writeFileSync(path.join(dir, "crash.spec.mjs"), INLINE_SPEC);
  const stateDir = path.join(dir, "state");
  const journalFile = path.join(dir, "journal.txt");
  const shared = (await reachable(SHARED)) ? SHARED : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, JOURNAL: journalFile };
  delete env.CI;
  if (shared) env.RABBITMQ_URL = shared;
  else delete env.RABBITMQ_URL;

  const reached: Record<string, number> = {};
  let faultsLeftBehind = 0;
  for (let i = 0; i < CRASHES; i++) {
    fs.writeFileSync(journalFile, "");
    const runner = spawn(process.execPath, [path.join(root, "node_modules/@playwright/test/cli.js"), "test", "-c", "playwright.config.mjs"], {
      cwd: dir,
      env,
      detached: true, // its own process group: the kill below takes the runner and its workers at once
      stdio: "ignore",
    });
    // Spread the kill points over the game day: pick a stage (booting, started, one fault applied,
    // both applied), wait until the run reaches it, then kill at a random moment shortly after.
    const wanted = STAGES[i % STAGES.length] ?? "booting";
    const deadline = Date.now() + 60_000;
    const current = (): string => fs.readFileSync(journalFile, "utf8").trim().split("\n").filter(Boolean).at(-1) ?? "booting";
    while (wanted !== "booting" && STAGES.indexOf(current()) < STAGES.indexOf(wanted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, wanted === "booting" ? 300 + Math.random() * 3_000 : Math.random() * 400));
    const stage = current();
    reached[stage] = (reached[stage] ?? 0) + 1;
    process.kill(-(runner.pid ?? 0), "SIGKILL");
    await new Promise((r) => runner.once("exit", r));

    const restored = await run(process.execPath, ["--import", "tsx", path.join(root, "bin/gameday.ts"), "restore"], { cwd: root, env, timeout: 60_000 }).catch(
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    const output = `${(restored as { stdout?: string }).stdout ?? ""}${(restored as { stderr?: string }).stderr ?? ""}`;
    expect((restored as { code?: number }).code ?? 0, `restore after crash ${i + 1} (${stage}):\n${output}`).toBe(0);

    const ledger = new Ledger(path.join(stateDir, "ledger.jsonl"));
    faultsLeftBehind += ledger.outstanding().length;
    expect(ledger.outstanding(), `faults still applied after crash ${i + 1} (${stage}) and restore`).toEqual([]);
    await expect.poll(() => processesUsing(stateDir), { message: `processes of crashed run ${i + 1} (${stage})`, timeout: 10_000 }).toEqual([]);
    const leftovers = fs.existsSync(path.join(stateDir, "leftovers")) ? fs.readdirSync(path.join(stateDir, "leftovers")) : [];
    expect(leftovers, `brokers or vhosts left by crashed run ${i + 1} (${stage})`).toEqual([]);
  }
  const summary = `${CRASHES} crash points: ${Object.entries(reached).map(([stage, n]) => `${n}× at "${stage}"`).join(", ")}; faults left behind after restore: ${faultsLeftBehind}`;
  await testInfo.attach("crash points", { body: summary, contentType: "text/plain" });
  console.log(summary);
  expect(Object.keys(reached).length, `the kill points covered more than two stages of the game day: ${summary}`).toBeGreaterThan(2);
});
