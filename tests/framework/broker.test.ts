// RabbitMQ provisioning and the queue probe, against real brokers: a private node of Debian's
// rabbitmq-server, and (when reachable) the machine's shared broker in a vhost of the test's own.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import amqp from "amqplib";
import { acceptsConnections, provisionBroker, redact, startPrivateNode } from "../../helpers/broker/rabbitmq.ts";
import { isAlive } from "../../helpers/core/leftovers.ts";
import { QueueInspector, QueueMissing } from "../../helpers/broker/queue-inspector.ts";

const SHARED = process.env.GAMEDAY_TEST_SHARED_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672/";

const reachable = (url: string): Promise<boolean> => acceptsConnections(url, 2_000);

test.describe.configure({ mode: "serial" });

test("a private node boots on free loopback ports and leaves nothing behind when disposed", async () => {
  const broker = await startPrivateNode();
  const nodeDir = broker.nodeDir ?? "(none)";
  const running = (): boolean => execFileSync("ps", ["-eo", "args"]).toString().includes(nodeDir);
  try {
    expect(broker.origin).toBe("private node");
    expect(broker.display).toMatch(/^amqp:\/\/guest:\*\*\*@127\.0\.0\.1:\d+\/$/);
    const connection = await amqp.connect(broker.url);
    await connection.close();
    expect(running()).toBe(true);
  } finally {
    await broker.dispose();
  }
  await broker.dispose(); // idempotent
  await expect.poll(running, { timeout: 5_000 }).toBe(false);
  expect(fs.existsSync(nodeDir)).toBe(false);
  expect(await reachable(broker.url)).toBe(false);
});

test("a private node stops and starts in place: same address and directory, tracked as a leftover throughout", async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-broker-state-")); // outside reports/, which a concurrent run empties
  process.env.GAMEDAY_STATE_DIR = stateDir;
  const entries = (): { pid: number; dir: string }[] =>
    fs.readdirSync(path.join(stateDir, "leftovers")).map((f) => (JSON.parse(fs.readFileSync(path.join(stateDir, "leftovers", f), "utf8")) as { detail: { pid: number; dir: string } }).detail);
  const broker = await startPrivateNode();
  try {
    const control = broker.control;
    if (!control) throw new Error("a private node has control");
    const firstPid = entries()[0]?.pid;
    expect(entries()).toEqual([{ pid: expect.any(Number), epmdPort: expect.any(Number), dir: broker.nodeDir }]);

    await control.stop();
    await control.stop(); // idempotent
    expect(await control.running()).toBe(false);
    expect(await reachable(broker.url)).toBe(false);
    expect(isAlive(firstPid ?? 0)).toBe(false);
    expect(fs.existsSync(broker.nodeDir ?? "")).toBe(true); // data kept for the restart
    expect(entries()).toEqual([{ pid: 0, epmdPort: expect.any(Number), dir: broker.nodeDir }]); // the directory is still swept if we die now

    await control.start();
    await control.start(); // idempotent
    expect(await control.running()).toBe(true);
    const connection = await amqp.connect(broker.url); // the same URL: same port, same credentials
    await connection.close();
    expect(entries()).toHaveLength(1);
    expect(entries()[0]?.pid).not.toBe(firstPid);
    expect(entries()[0]?.pid).toBeGreaterThan(0);
  } finally {
    await broker.dispose();
    delete process.env.GAMEDAY_STATE_DIR;
  }
  expect(fs.existsSync(broker.nodeDir ?? "")).toBe(false);
  expect(entries()).toEqual([]);
  await expect(broker.control?.start()).rejects.toThrow("the private RabbitMQ node was disposed; it cannot be started again");
  fs.rmSync(stateDir, { recursive: true, force: true });
});

test("a private node left by a SIGKILLed run is removed by the next run", async ({}, testInfo) => {
  const stateDir = testInfo.outputPath("state");
  const script = testInfo.outputPath("owner.mts"); // .mts: ESM wherever the output directory is
  fs.writeFileSync(
    script,
    `import { startPrivateNode } from ${JSON.stringify(path.resolve("helpers/broker/rabbitmq.ts"))};
     const b = await startPrivateNode(); console.log("URL " + b.url); setInterval(() => {}, 1000);`,
  );
  const owner = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, GAMEDAY_STATE_DIR: stateDir }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    owner.stdout.on("data", (d: Buffer) => {
      const m = /URL (\S+)/.exec(d.toString());
      if (m?.[1]) resolve(m[1]);
    });
    owner.once("exit", (code) => reject(new Error(`owner exited with ${code}`)));
  });
  owner.kill("SIGKILL");
  await expect.poll(() => isAlive(owner.pid ?? 0), { timeout: 5_000 }).toBe(false);
  expect(await reachable(url)).toBe(true); // the orphan is still running…
  process.env.GAMEDAY_STATE_DIR = stateDir;
  try {
    const next = await startPrivateNode(); // …until the next run sweeps it
    await next.dispose();
  } finally {
    delete process.env.GAMEDAY_STATE_DIR;
  }
  expect(await reachable(url)).toBe(false);
  expect(fs.readdirSync(path.join(stateDir, "leftovers"))).toEqual([]);
});

test("RABBITMQ_URL gets a vhost of the run's own, removed afterwards", async () => {
  test.skip(!(await reachable(SHARED)), `no shared broker at ${redact(SHARED)}`);
  const broker = await provisionBroker({ runId: `t${Date.now().toString(36)}`, sharedUrl: SHARED });
  expect(broker.origin).toBe("RABBITMQ_URL");
  expect(broker.vhost).toMatch(/^gameday-t/);
  const inRun = await amqp.connect(broker.url);
  const channel = await inRun.createChannel();
  const queue = `isolation-${Date.now()}`;
  await channel.assertQueue(queue, { durable: false });
  const root = await amqp.connect(SHARED);
  const rootChannel = await root.createChannel();
  rootChannel.on("error", () => undefined);
  await expect(rootChannel.checkQueue(queue)).rejects.toThrow(/404/); // invisible outside the run's vhost
  await root.close().catch(() => undefined);
  await inRun.close();
  await broker.dispose();
  await expect(amqp.connect(broker.url, { timeout: 2_000 })).rejects.toThrow();
});

test("an unreachable RABBITMQ_URL falls back to a private node and says so", async () => {
  const lines: string[] = [];
  const broker = await provisionBroker({ runId: "fallback", sharedUrl: "amqp://guest:secret@127.0.0.1:1/", log: (l) => lines.push(l) });
  try {
    expect(broker.origin).toBe("private node");
    expect(lines.join("\n")).toContain("RABBITMQ_URL amqp://guest:***@127.0.0.1:1/ is not reachable; starting a private RabbitMQ node instead");
    expect(lines.join("\n")).not.toContain("secret");
  } finally {
    await broker.dispose();
  }
});

test.describe("queue probe", () => {
  test("reads depth and consumers at once, and a missing queue is an error, never depth 0", async () => {
    const shared = await reachable(SHARED);
    const broker = shared ? await provisionBroker({ runId: `p${Date.now().toString(36)}`, sharedUrl: SHARED }) : await startPrivateNode();
    const inspector = await QueueInspector.connect(broker.url, broker.display);
    const connection = await amqp.connect(broker.url);
    try {
      const channel = await connection.createChannel();
      await channel.assertQueue("work", { durable: false });
      for (let i = 0; i < 3; i++) channel.sendToQueue("work", Buffer.from(`m${i}`));
      await expect.poll(() => inspector.stats("work")).toEqual({ depth: 3, consumers: 0 });
      const consumer = await connection.createChannel();
      await consumer.prefetch(1);
      await consumer.consume("work", () => undefined); // holds one unacked message
      await expect.poll(() => inspector.stats("work")).toEqual({ depth: 2, consumers: 1 });
      await consumer.close();
      await expect.poll(() => inspector.stats("work")).toEqual({ depth: 3, consumers: 0 });

      const missing = await inspector.stats("no-such-queue").catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(QueueMissing);
      expect((missing as Error).message).toBe(`queue no-such-queue does not exist on ${broker.display}`);
      // The probe's channel recovers after the 404 closed it.
      expect(await inspector.stats("work")).toEqual({ depth: 3, consumers: 0 });
    } finally {
      await connection.close();
      await inspector.dispose();
      await broker.dispose();
    }
  });
});

test("a private node offers the management API, the only reader of unacknowledged messages", async () => {
  const broker = await startPrivateNode();
  const inspector = await QueueInspector.connect(broker.url, broker.display, broker.managementUrl);
  const connection = await amqp.connect(broker.url);
  try {
    expect(broker.managementUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const channel = await connection.createChannel();
    await channel.assertQueue("held", { durable: false });
    for (let i = 0; i < 3; i++) channel.sendToQueue("held", Buffer.from(`m${i}`));
    const consumer = await connection.createChannel();
    await consumer.prefetch(1);
    await consumer.consume("held", () => undefined); // takes one message and never acknowledges it
    // The management statistics lag by up to a few seconds; AMQP's depth is immediate.
    await expect.poll(() => inspector.stats("held")).toEqual({ depth: 2, consumers: 1 });
    await expect.poll(() => inspector.unacked("held"), { timeout: 15_000 }).toBe(1);
    await expect(inspector.unacked("no-such-queue")).rejects.toThrow(QueueMissing);
  } finally {
    await connection.close();
    await inspector.dispose();
    await broker.dispose();
  }
});
