// The local platform's controller, with real child processes.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { Supervisor, type DeploymentSpec } from "../../helpers/platforms/local/supervisor.ts";

/** A replica that serves /health on $PORT and echoes its replica id on /. */
const WEB = `
const http = require("node:http");
console.log("web replica " + process.env.REPLICA_ID + " starting");
http.createServer((req, res) => res.end(req.url === "/health" ? "ok" : process.env.REPLICA_ID)).listen(Number(process.env.PORT), "127.0.0.1");
process.stdin.on("end", () => process.exit(0)); process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
`;
const web = (replicas: number): DeploymentSpec => ({ name: "web", image: "web:1", command: process.execPath, args: ["-e", WEB], replicas, healthPath: "/health" });

let logDir: string;
let supervisor: Supervisor;
test.beforeEach(() => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-supervisor-"));
  supervisor = new Supervisor({ logDir, backoff: { initialMs: 100, maxMs: 800, resetAfterMs: 10_000 }, terminationGraceMs: 2_000 });
});
test.afterEach(async () => {
  await supervisor.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

test("replicas become ready and the service spreads requests over them", async () => {
  await supervisor.apply([web(2)]);
  await supervisor.waitReady(15_000);
  expect(supervisor.status("web")).toMatchObject({ desired: 2, running: 2, ready: 2, restarts: 0, crashLooping: false });
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) seen.add(await (await fetch(supervisor.serviceUrl("web"))).text());
  expect(seen.size).toBe(2);
  expect(supervisor.logs("web").filter((l) => l.text.includes("starting"))).toHaveLength(2);
});

test("scale to 0 stops every replica and the service refuses connections; scaling back restores it", async () => {
  await supervisor.apply([web(1)]);
  await supervisor.waitReady(15_000);
  expect(await supervisor.scale("web", 0)).toEqual({ previous: 1 });
  expect(supervisor.status("web")).toMatchObject({ desired: 0, running: 0, ready: 0 });
  await expect(fetch(supervisor.serviceUrl("web"))).rejects.toThrow();
  expect(await supervisor.scale("web", 1)).toEqual({ previous: 0 });
  await supervisor.waitReady(15_000);
  expect(await (await fetch(supervisor.serviceUrl("web"))).text()).toMatch(/^web-/);
  expect(supervisor.events().map((e) => e.reason)).toEqual(expect.arrayContaining(["ScalingReplicaSet", "Started", "Ready", "Killing"]));
});

test("a replica that keeps crashing is restarted with growing back-off: the CrashLoopBackOff analogue", async () => {
  await supervisor.apply([{ name: "broken", image: "broken:1", command: process.execPath, args: ["-e", "console.error('boom: missing config'); process.exit(3)"], replicas: 1 }]);
  await expect.poll(() => supervisor.status("broken").restarts, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  // Without a readiness check a replica counts as ready while its process runs (as a pod without a
  // readiness probe does), so a crashing one may be ready for an instant; waiting for a restart it is not.
  await expect.poll(() => supervisor.status("broken").crashLooping, { timeout: 10_000 }).toBe(true);
  const backoffs = supervisor.events().filter((e) => e.reason === "BackOff").map((e) => Number(/restarting in (\d+) ms/.exec(e.message)?.[1]));
  expect(backoffs.slice(0, 4)).toEqual([100, 200, 400, 800]);
  expect(supervisor.logs("broken").some((l) => l.text === "boom: missing config")).toBe(true);
  expect(fs.readFileSync(path.join(logDir, "broken.log"), "utf8")).toContain("boom: missing config");
});

test("a killed replica is restarted by the controller and counted", async () => {
  await supervisor.apply([web(1)]);
  await supervisor.waitReady(15_000);
  supervisor.killReplica("web");
  await expect.poll(() => supervisor.status("web").restarts, { timeout: 5_000 }).toBe(1);
  await supervisor.waitReady(15_000);
  expect(supervisor.status("web")).toMatchObject({ ready: 1, running: 1 });
});

test("a replica whose port was taken while it was down restarts on another port, and the service follows it", async () => {
  // A back-off long enough to take the port while the replica is down.
  await supervisor.stop();
  supervisor = new Supervisor({ logDir, backoff: { initialMs: 1_500, maxMs: 1_500, resetAfterMs: 10_000 }, terminationGraceMs: 2_000 });
  const portLogged = `console.log("port " + process.env.PORT);${WEB}`;
  await supervisor.apply([{ ...web(1), args: ["-e", portLogged] }]);
  await supervisor.waitReady(15_000);
  const portOf = (): number[] => supervisor.logs("web").flatMap((l) => (/^port (\d+)$/.exec(l.text)?.[1] ? [Number(/^port (\d+)$/.exec(l.text)?.[1])] : []));
  const [first] = portOf();
  // Kill the replica and take its port during the back-off, as another process might.
  supervisor.killReplica("web");
  await expect.poll(() => supervisor.status("web").crashLooping, { timeout: 5_000, message: "the killed replica is down, waiting to restart" }).toBe(true);
  const squatter = net.createServer();
  await new Promise<void>((resolve) => squatter.listen(first, "127.0.0.1", resolve));
  try {
    await expect.poll(() => portOf().length, { timeout: 10_000, message: "the replica restarted" }).toBe(2);
    const second = portOf()[1];
    expect(second).not.toBe(first);
    expect(supervisor.logs("web").map((l) => l.text)).toContain(`gameday: port ${first} was taken while the replica was down; restarting it on port ${second}`);
    await supervisor.waitReady(15_000);
    expect(await (await fetch(supervisor.serviceUrl("web"))).text()).toMatch(/^web-/);
  } finally {
    squatter.close();
  }
});

test("replicas exit when the supervisor process dies, even by SIGKILL", async () => {
  const script = path.join(logDir, "parent.mjs");
  fs.writeFileSync(
    script,
    `import { spawn } from "node:child_process";
     const child = spawn(process.execPath, ["-e", ${JSON.stringify(WEB)}], { env: { ...process.env, PORT: "0" }, stdio: ["pipe", "inherit", "inherit"] });
     console.log("child " + child.pid); setInterval(() => {}, 1000);`,
  );
  const { spawn } = await import("node:child_process");
  const parent = spawn(process.execPath, [script], { stdio: ["ignore", "pipe", "inherit"] });
  const childPid = await new Promise<number>((resolve) => parent.stdout.on("data", (d: Buffer) => {
    const m = /child (\d+)/.exec(d.toString());
    if (m?.[1]) resolve(Number(m[1]));
  }));
  parent.kill("SIGKILL");
  await expect.poll(() => { try { process.kill(childPid, 0); return "alive"; } catch { return "gone"; } }, { timeout: 5_000 }).toBe("gone");
});

test("an unknown deployment is named with the known ones", async () => {
  await supervisor.apply([web(0)]);
  expect(() => supervisor.status("nope")).toThrow('no deployment named "nope" on the local platform (known: web)');
});
