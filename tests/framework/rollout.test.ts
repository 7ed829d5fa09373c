// Images and rollout strategies of the local platform's controller, with real child processes: a
// broken build under RollingUpdate leaves the old replicas serving, under Recreate it leaves none.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { HarnessError } from "../../helpers/core/errors.ts";
import { Supervisor, type DeploymentSpec } from "../../helpers/platforms/local/supervisor.ts";

/** Serves its build's VERSION; refuses to start without it, as a misconfigured build would. */
const WEB = `
const version = process.env.VERSION;
if (!version) { console.error("missing required environment variable VERSION"); process.exit(78); }
require("node:http").createServer((q, s) => s.end(version)).listen(Number(process.env.PORT), "127.0.0.1");
process.stdin.on("end", () => process.exit(0)); process.stdin.resume(); process.on("SIGTERM", () => process.exit(0));`;

const web = (strategy: "RollingUpdate" | "Recreate", replicas = 2): DeploymentSpec => ({
  name: "web",
  image: "web:1",
  variants: { "web:2": { env: { VERSION: "2" } }, "web:2-broken": { env: { VERSION: null } } },
  strategy,
  command: process.execPath,
  args: ["-e", WEB],
  env: { VERSION: "1" },
  replicas,
  healthPath: "/",
});

let logDir: string;
let supervisor: Supervisor;
test.beforeEach(() => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-rollout-"));
  supervisor = new Supervisor({ logDir, backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 10_000 }, terminationGraceMs: 2_000 });
});
test.afterEach(async () => {
  await supervisor.stop();
  fs.rmSync(logDir, { recursive: true, force: true });
});

const versions = async (n: number): Promise<Set<string>> => {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(await (await fetch(supervisor.serviceUrl("web"))).text());
  return seen;
};

test("a rolling update to a good image replaces every replica without ever dropping below the desired count", async () => {
  await supervisor.apply([web("RollingUpdate")]);
  await supervisor.waitReady(15_000);
  let minReady = Infinity;
  const watch = setInterval(() => (minReady = Math.min(minReady, supervisor.status("web").ready)), 20);
  try {
    expect(await supervisor.setImage("web", "web:2")).toEqual({ previous: "web:1" });
    await expect.poll(() => supervisor.rollout("web"), { timeout: 15_000 }).toEqual({
      image: "web:2",
      images: [{ image: "web:2", running: 2, ready: 2, restarts: 0, crashLooping: false }],
    });
  } finally {
    clearInterval(watch);
  }
  expect(minReady, "ready replicas during the rollout").toBeGreaterThanOrEqual(2);
  expect(await versions(4)).toEqual(new Set(["2"]));
});

test("RollingUpdate to a broken image stalls: the old replicas keep serving while the new one crash-loops; rolling back removes it", async () => {
  await supervisor.apply([web("RollingUpdate")]);
  await supervisor.waitReady(15_000);
  await supervisor.setImage("web", "web:2-broken");
  await expect.poll(() => supervisor.rollout("web").images.find((i) => i.image === "web:2-broken")?.restarts ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
  const stalled = supervisor.rollout("web");
  expect(stalled.image).toBe("web:2-broken");
  expect(stalled.images).toEqual([
    { image: "web:1", running: 2, ready: 2, restarts: 0, crashLooping: false },
    expect.objectContaining({ image: "web:2-broken", ready: 0 }),
  ]);
  expect(await versions(4)).toEqual(new Set(["1"]));
  expect(supervisor.logs("web").some((l) => l.text === "missing required environment variable VERSION")).toBe(true);

  expect(await supervisor.setImage("web", "web:1")).toEqual({ previous: "web:2-broken" });
  await expect.poll(() => supervisor.rollout("web").images.map((i) => i.image), { timeout: 5_000 }).toEqual(["web:1"]);
  expect(supervisor.status("web")).toMatchObject({ desired: 2, ready: 2, crashLooping: false });
});

test("Recreate to a broken image stops every replica first: nothing serves until it is rolled back", async () => {
  await supervisor.apply([web("Recreate", 1)]);
  await supervisor.waitReady(15_000);
  await supervisor.setImage("web", "web:2-broken");
  expect(supervisor.rollout("web").images.map((i) => i.image)).toEqual(["web:2-broken"]);
  await expect.poll(() => supervisor.status("web").crashLooping, { timeout: 10_000 }).toBe(true);
  expect(supervisor.status("web")).toMatchObject({ desired: 1, ready: 0 });
  await expect(fetch(supervisor.serviceUrl("web"))).rejects.toThrow();

  await supervisor.setImage("web", "web:1");
  await supervisor.waitReady(15_000);
  expect(await versions(2)).toEqual(new Set(["1"]));
  expect(supervisor.rollout("web").images).toEqual([{ image: "web:1", running: 1, ready: 1, restarts: 0, crashLooping: false }]);
});

test("an unknown image is refused, naming the images the deployment has", async () => {
  await supervisor.apply([web("RollingUpdate", 0)]);
  const failure = await supervisor.setImage("web", "web:3").catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(HarnessError);
  expect((failure as Error).message).toBe('deployment web has no image "web:3" on the local platform (known images: web:1, web:2, web:2-broken)');
  expect(supervisor.rollout("web").image).toBe("web:1");
});
