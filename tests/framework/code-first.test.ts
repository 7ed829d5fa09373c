// The code-first API's pure logic, with fakes: the matchers' modes and messages, what a failure
// means in each phase (the same verdicts as scenario files), field and name checks at run time,
// durations as scenario files write them, and the README's example being the spec that runs.
import fs from "node:fs";
import type { Page } from "@playwright/test";
import { test } from "@playwright/test";
import { EnvironmentNotReady, FaultNotEffective, HarnessError, InvariantViolation } from "../../helpers/core/errors.ts";
import type { ActiveFault } from "../../helpers/faults/fault.ts";
import type { Platform } from "../../helpers/platforms/platform.ts";
import type { QueueInspector } from "../../helpers/broker/queue-inspector.ts";
import type { Reading } from "../../helpers/probes/probe.ts";
import { classifyFailure } from "../../helpers/report/verdict.ts";
import type { Target } from "../../helpers/target/target.ts";
import { expect, findingKindFor, toMs, type GameDayProbe, type RunState } from "../../fixtures/expectations.ts";
import { createGameDay } from "../../fixtures/gameday.ts";
import type { Chaos } from "../../fixtures/chaos.ts";
import type { GameDayTimeline } from "../../fixtures/timeline.ts";

/** A queue probe that returns the given readings in turn, then repeats the last. */
function scripted(readings: Reading[], phase?: string, kind = "queue"): GameDayProbe {
  let reads = 0;
  const run: RunState | undefined = phase === undefined ? undefined : { phase, since: "revert" };
  return {
    kind,
    subject: "queue q",
    fields: { depth: "number", consumers: "number", exists: "flag", placed: "number", missing: "number" },
    run,
    read: () => Promise.resolve((readings[Math.min(reads++, readings.length - 1)] ?? {}) as never),
  };
}

const failureOf = (promise: Promise<unknown>): Promise<Error> => promise.then(() => { throw new Error("expected a failure"); }, (error: unknown) => error as Error);

test.describe("the matchers", () => {
  test("toHave without `within` reads once, and names the field, the value expected and the one seen", async () => {
    await expect(scripted([{ depth: 0, consumers: 1 }])).toHave({ depth: 0, consumers: { gte: 1 } });
    const failure = await failureOf(expect(scripted([{ depth: 3, consumers: 1 }], "during")).toHave({ depth: 0 }));
    expect(failure).toBeInstanceOf(InvariantViolation);
    expect(failure.message).toBe('[invariant] queue q: expected depth = 0 at "revert" (1 sample); last value seen {"depth":3,"consumers":1}');
  });

  test("toHave with `within` waits (eventually), and fails with the deadline, the samples and the last value", async () => {
    await expect(scripted([{ depth: 2 }, { depth: 1 }, { depth: 0 }])).toHave({ depth: 0 }, { within: "2s", interval: 5 });
    const failure = await failureOf(expect(scripted([{ depth: 4 }], "after")).toHave({ depth: 0 }, { within: "200ms", interval: 20 }));
    expect(failure.message).toMatch(/^\[recovery\] queue q: expected depth = 0 within 200 ms after "revert", not reached after \d+ ms and \d+ samples; last value seen \{"depth":4\}$/);
  });

  test("toHaveThroughout, toNeverHave and toHaveAtLeastOnce judge every read while the block runs", async () => {
    const block = () => new Promise((r) => setTimeout(r, 60));
    await expect(scripted([{ consumers: 0 }])).toHaveThroughout({ consumers: 0 }, block, { interval: 5 });
    const always = await failureOf(expect(scripted([{ consumers: 0 }, { consumers: 1 }, { consumers: 0 }], "during")).toHaveThroughout({ consumers: 0 }, block, { interval: 5 }));
    expect(always.message).toMatch(/^\[invariant\] queue q: expected consumers = 0 at all times during "during" .* violated in 1 sample\(s\), first at \+.* with \{"consumers":1\}/);
    const never = await failureOf(expect(scripted([{ depth: 0 }, { depth: 7 }], "during")).toNeverHave({ depth: { gt: 5 } }, block, { interval: 5 }));
    expect(never.message).toContain("expected not (depth > 5) at all times");
    await expect(scripted([{ depth: 0 }, { depth: 7 }, { depth: 0 }])).toHaveAtLeastOnce({ depth: 7 }, block, { interval: 5 });
    const once = await failureOf(expect(scripted([{ depth: 0 }], "during")).toHaveAtLeastOnce({ depth: 7 }, block, { interval: 5 }));
    expect(once.message).toMatch(/expected depth = 7 at least once during "during", but it never held/);
  });

  test("the block's own error comes first; the monitor still stops", async () => {
    const failure = await failureOf(expect(scripted([{ consumers: 1 }])).toHaveThroughout({ consumers: 0 }, () => Promise.reject(new Error("journey broke"))));
    expect(failure.message).toBe("journey broke");
  });

  test("toStay requires the condition to start holding within `within` and hold for `for`", async () => {
    await expect(scripted([{ depth: 1 }, { depth: 0 }])).toStay({ depth: 0 }, { for: 50, within: "1s", interval: 5 });
    const failure = await failureOf(expect(scripted([{ depth: 0 }, { depth: 0 }, { depth: 2 }], "after")).toStay({ depth: 0 }, { for: "10s", interval: 5 }));
    expect(failure.message).toMatch(/^\[recovery\] queue q: expected depth = 0 to stay true for 10\.0 s after "revert", but it broke after holding for/);
  });

  test("a failure points at the line that asked, not at the harness", async () => {
    const failure = await failureOf(expect(scripted([{ depth: 1 }])).toHave({ depth: 0 }));
    expect(failure.stack?.split("\n")[1]).toContain("code-first.test.ts");
  });

  test("misuse is a HarnessError saying what to write instead", async () => {
    const untyped: unknown = scripted([{ depth: 0 }]);
    expect((await failureOf(expect(untyped).not.toHave({ depth: 0 }))).message).toContain("use toNeverHave(fields, block)");
    expect((await failureOf(expect({ depth: 0 }).toHave({ depth: 0 }))).message).toContain("takes a probe, e.g. expect(queue(");
    const unknown = await failureOf(expect(scripted([{ depth: 0 }])).toHave({ consumer: 0 }));
    expect(unknown).toBeInstanceOf(HarnessError);
    expect(unknown.message).toBe('queue q has no field "consumer"; a queue probe reads depth, consumers, exists, placed, missing');
  });

  test("expect.poll keeps working on any probe", async () => {
    const probe = scripted([{ depth: 2 }, { depth: 1 }, { depth: 0 }]);
    await expect.poll(async () => (await probe.read()).depth, { intervals: [5] }).toBe(0);
  });
});

test.describe("what a failure means: the phase decides, as in a scenario file", () => {
  test("before the fault the environment was not ready; at injection the fault did not take; after the revert, recovery failed", async () => {
    const preflight = await failureOf(expect(scripted([{ depth: 3 }], "preflight")).toHave({ depth: 0 }));
    expect(preflight).toBeInstanceOf(EnvironmentNotReady);
    expect(preflight.message).toMatch(/^environment not ready: queue q: expected depth = 0/);
    const inject = await failureOf(expect(scripted([{ consumers: 1 }], "inject")).toHave({ consumers: 0 }, { within: 30, interval: 5 }));
    expect(inject).toBeInstanceOf(FaultNotEffective);
    const after = await failureOf(expect(scripted([{ depth: 3 }], "after")).toHave({ depth: 0 }, { within: 30, interval: 5 }));
    expect((after as InvariantViolation).kind).toBe("recovery");
    for (const [error, verdict] of [[preflight, "harness error"], [inject, "harness error"], [after, "finding"]] as const) {
      expect(classifyFailure([{ message: error.message, stack: error.stack }])).toBe(verdict);
    }
  });

  test("the reconciliation is an invariant in any phase, and never passes on zero orders", async () => {
    expect(findingKindFor("after", { kind: "reconciliation" }, "eventually")).toBe("invariant");
    expect(findingKindFor("during", { kind: "queue" }, "eventually")).toBe("invariant");
    expect(findingKindFor(undefined, { kind: "queue" }, "eventually")).toBe("recovery");
    const none = await failureOf(expect(scripted([{ placed: 0, missing: 0 }], "after", "reconciliation")).toHave({ missing: 0 }));
    expect(none.message).toMatch(/^\[invariant\] queue q: expected missing = 0 \(with orders placed\)/);
  });
});

test.describe("the game day's fixtures", () => {
  const injected: string[] = [];
  const target = { name: "shop", brokerEndpoint: "broker", entryService: "web", names: { deployments: ["web", "worker"], queues: ["jobs"] }, localDeployments: () => [] } satisfies Target;
  const chaos: Chaos = {
    active: [],
    inject: (fault) => {
      injected.push(fault.title);
      return Promise.resolve({ title: fault.title, injectedAt: Date.now(), original: {}, proveEffect: () => Promise.resolve(""), revert: () => Promise.resolve() } satisfies ActiveFault);
    },
    revertAll: () => Promise.resolve(),
    recordChange: () => () => undefined,
  };
  const timeline: GameDayTimeline = { mark: () => undefined, phase: () => undefined, record: () => undefined, watch: () => undefined };
  const gameday = createGameDay({ page: {} as Page, platform: {} as Platform, queues: {} as QueueInspector, chaos, timeline, target, journeyCatalogue: { journeys: {} } });

  test("faults take the scenario's durations and positional or object forms alike", async () => {
    await gameday.fault.latency({ from: "web", to: "broker", delay: "2s", jitter: 250 });
    await gameday.fault.scale("worker", 0);
    await gameday.fault.scale({ deployment: "worker", replicas: 0 });
    await gameday.fault.kill("web", { count: 2 });
    expect(injected).toEqual(["add 2000 ms ± 250 ms of latency from web to broker", "scale deployment worker to 0", "scale deployment worker to 0", "kill 2 replica(s) of web with SIGKILL"]);
    expect(gameday.state.since).toBe("inject");
  });

  test("a name the target does not have is a HarnessError listing the names it has", async () => {
    expect(() => gameday.queue("job")).toThrow(new HarnessError('queue(…): shop has no queue "job"; it has jobs'));
    expect(() => gameday.deployment("wrker")).toThrow(new HarnessError('deployment(…): shop has no deployment "wrker"; it has web, worker'));
    await expect(async () => gameday.fault.scale("wrker", 0)).rejects.toThrow(new HarnessError('fault.scale(…): shop has no deployment "wrker"; it has web, worker'));
    await expect(async () => gameday.fault.latency({ from: "web", to: "db", delay: "1s" })).rejects.toThrow(/shop has no dependency "db"; it has web, worker, broker/);
    await expect(gameday.journeys.run("checkout")).rejects.toThrow(new HarnessError('journeys.run("checkout"): shop offers no such journey; it offers none'));
    await expect(async () => gameday.fault.latency({ from: "web", to: "worker", delay: "2 s" })).rejects.toThrow(/fault.latency: delay: "2 s" is not a duration/);
  });

  test("durations: milliseconds as they are, scenario strings parsed", () => {
    expect([toMs(1500, "x"), toMs("2s", "x"), toMs("250ms", "x"), toMs("1m", "x")]).toEqual([1500, 2000, 250, 60_000]);
  });
});

test("the README's and docs/code-first.md's example is tests/sock-shop/readme-example.spec.ts, verbatim", () => {
  const spec = fs.readFileSync("tests/sock-shop/readme-example.spec.ts", "utf8");
  for (const doc of ["README.md", "docs/code-first.md"]) {
    const blocks = [...fs.readFileSync(doc, "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks, `${doc} shows the runnable example`).toContain(spec);
  }
});
