// The scale fault on the real local platform: ledger first, proof of effect, idempotent revert.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { FaultNotEffective } from "../../helpers/core/errors.ts";
import { scaleDeployment } from "../../helpers/faults/scale-deployment.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { LocalPlatform } from "../../helpers/platforms/local/local-platform.ts";
import type { Platform } from "../../helpers/platforms/platform.ts";
import type { Target } from "../../helpers/target/target.ts";

const WORKER = `
require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");
process.stdin.on("end", () => process.exit(0)); process.stdin.resume(); process.on("SIGTERM", () => process.exit(0));`;

const tiny: Target = {
  name: "tiny",
  entryService: "worker",
  brokerEndpoint: "broker",
  localDeployments: () => [{ name: "worker", image: "worker:1", command: process.execPath, args: ["-e", WORKER], replicas: 2, healthPath: "/" }],
};

let platform: LocalPlatform;
test.beforeAll(async ({}, testInfo) => {
  platform = await LocalPlatform.start({ target: tiny, runId: `scale-${Date.now().toString(36)}`, workDir: testInfo.outputPath("runs"), sharedBrokerUrl: process.env.RABBITMQ_URL });
});
test.afterAll(async () => {
  await platform.dispose();
});

test("scaling records the original replicas before mutating, proves the effect, and reverts once", async ({}, testInfo) => {
  const ledger = new Ledger(testInfo.outputPath("ledger.jsonl"));
  const scaleCalls: number[] = [];
  const counting: Platform = new Proxy(platform, {
    get: (target, key) =>
      key === "scale"
        ? (name: string, replicas: number) => {
            // The ledger must already hold the original state when the mutation happens.
            if (scaleCalls.length === 0) expect(ledger.outstanding().map((e) => e.original)).toEqual([{ deployment: "worker", replicas: 2 }]);
            scaleCalls.push(replicas);
            return target.scale(name, replicas);
          }
        : (Reflect.get(target, key, target) as unknown),
  });
  const fault = await scaleDeployment({ deployment: "worker", replicas: 0 }).inject({ platform: counting, ledger, runId: "r1" });
  expect(await fault.proveEffect()).toMatch(/^deployment worker: 0 running, 0 ready after \d+ ms$/);
  expect(await platform.deployment("worker")).toMatchObject({ desired: 0, running: 0, ready: 0 });
  await expect(fetch(platform.endpoint("worker"))).rejects.toThrow();

  await fault.revert();
  await fault.revert();
  expect(scaleCalls).toEqual([0, 2]);
  await expect.poll(async () => (await platform.deployment("worker")).ready, { timeout: 15_000 }).toBe(2);
  expect(await (await fetch(platform.endpoint("worker"))).text()).toBe("ok");
  expect(ledger.outstanding()).toEqual([]);
  expect(fs.readFileSync(ledger.file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { event: string }).event)).toEqual(["inject", "revert"]);
});

test("a platform that silently ignores the scale call fails the proof of effect, naming what was seen", async ({}, testInfo) => {
  const ledger = new Ledger(path.join(testInfo.outputPath(), "ledger.jsonl"));
  const ignoring: Platform = new Proxy(platform, {
    get: (target, key) =>
      key === "scale" ? async (name: string) => ({ previous: (await target.deployment(name)).desired }) : (Reflect.get(target, key, target) as unknown),
  });
  const fault = await scaleDeployment({ deployment: "worker", replicas: 0, proofTimeoutMs: 500 }).inject({ platform: ignoring, ledger, runId: "r2" });
  const failure = await fault.proveEffect().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(FaultNotEffective);
  expect((failure as Error).message).toMatch(
    /^fault "scale deployment worker to 0" did not take effect: deployment worker: expected 0 replica\(s\) running and 0 ready within 500 ms after "inject: scale deployment worker to 0", not reached after \d+ ms and \d+ samples; last value seen \{"name":"worker","desired":2,"running":2,"ready":2,"available":2,"restarts":0,"crashLooping":false\}$/,
  );
  await fault.revert();
  expect(ledger.outstanding()).toEqual([]);
});
