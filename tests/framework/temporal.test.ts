import { expect, test } from "@playwright/test";
import { InvariantViolation } from "../../helpers/core/errors.ts";
import { always, atLeastOnce, eventually, not, stays, that } from "../../helpers/invariants/temporal.ts";
import type { Probe } from "../../helpers/probes/probe.ts";

/** A probe that returns the given values in turn, then repeats the last one. */
function scripted<T>(values: T[]): Probe<T> & { reads: number } {
  const probe = {
    subject: "queue test-q",
    reads: 0,
    read: () => Promise.resolve(values[Math.min(probe.reads++, values.length - 1)] as T),
  };
  return probe;
}

test.describe("eventually", () => {
  test("returns once the condition holds, with the number of samples taken", async () => {
    const probe = scripted([3, 2, 0]);
    const outcome = await eventually(probe, that("depth 0", (v: number) => v === 0), { withinMs: 5_000, after: "revert", intervalMs: 5 });
    expect(outcome.value).toBe(0);
    expect(outcome.samples).toBe(3);
  });

  test("fails with the subject, the deadline, the sample count and the last value", async () => {
    const probe = scripted([{ depth: 5, consumers: 0 }]);
    const failure = await eventually(probe, that("depth 0", (s: { depth: number }) => s.depth === 0), {
      withinMs: 300,
      after: "revert",
      intervalMs: 20,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InvariantViolation);
    const message = (failure as Error).message;
    expect(message).toContain('[recovery] queue test-q: expected depth 0 within 300 ms after "revert"');
    expect(message).toMatch(/not reached after 3\d\d ms and 1[0-9] samples; last value seen \{"depth":5,"consumers":0\}/);
  });

  test("a probe that only fails reports its last error instead of a value", async () => {
    const probe: Probe<number> = { subject: "queue gone", read: () => Promise.reject(new Error("queue gone does not exist")) };
    const failure = await eventually(probe, that("depth 0", (v: number) => v === 0), { withinMs: 100, after: "revert", intervalMs: 10 }).catch(
      (e: unknown) => e as Error,
    );
    expect((failure as Error).message).toContain("last read failed: queue gone does not exist");
  });
});

test.describe("always", () => {
  test("passes when every sample holds, and counts the samples (about 10 Hz by default)", async () => {
    const probe = scripted([0]);
    const monitor = always(probe, that("0 consumers", (v: number) => v === 0), { phase: "during" });
    await new Promise((r) => setTimeout(r, 1_050));
    const outcome = await monitor.stop();
    expect(outcome.samples).toBeGreaterThanOrEqual(3); // loose: shared machines stall; the upper bound is the real check
    expect(outcome.samples).toBeLessThanOrEqual(12);
  });

  test("fails when a single sample breaks the condition, naming the first violation and the last value", async () => {
    const probe = scripted([0, 0, 1, 0]);
    const monitor = always(probe, that("0 consumers", (v: number) => v === 0), { phase: "during the outage", intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const failure = await monitor.stop().catch((e: unknown) => e as Error);
    expect(failure).toBeInstanceOf(InvariantViolation);
    expect((failure as Error).message).toMatch(
      /^\[invariant\] queue test-q: expected 0 consumers at all times during "during the outage" \(.+, \d+ samples\): violated in 1 sample\(s\), first at \+.+ with 1; last value seen 0$/,
    );
  });

  test("a failed read is a violation, not a pass", async () => {
    let n = 0;
    const probe: Probe<number> = { subject: "queue q", read: () => (n++ === 2 ? Promise.reject(new Error("queue q does not exist")) : Promise.resolve(0)) };
    const monitor = always(probe, that("0 consumers", (v: number) => v === 0), { phase: "during", intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 60));
    await expect(monitor.stop()).rejects.toThrow(/read failed: queue q does not exist/);
  });
});

test.describe("never, at least once, stays", () => {
  const seen = that("seen", (v: boolean) => v);

  test("never is always-not: one sample that holds fails it", async () => {
    const monitor = always(scripted([false, false, true, false]), not(seen), { phase: "during", intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 80));
    await expect(monitor.stop()).rejects.toThrow(/expected not \(seen\) at all times during "during" .*violated in 1 sample\(s\)/);
  });

  test("at least once passes on a single sample that held, and fails naming the samples when none did", async () => {
    const once = atLeastOnce(scripted([false, true, false]), seen, { phase: "during", intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 60));
    expect((await once.stop()).last?.value).toBe(true);
    const none = atLeastOnce(scripted([false]), seen, { phase: "during", intervalMs: 5 });
    await new Promise((r) => setTimeout(r, 40));
    await expect(none.stop()).rejects.toThrow(/expected seen at least once during "during", but it never held in .* and \d+ samples; last value seen false/);
  });

  test("stays passes once the condition held for the whole duration", async () => {
    const outcome = await stays(scripted([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), that("1", (v: number) => v === 1), { forMs: 50, after: "revert", intervalMs: 5 });
    expect(outcome.samples).toBeGreaterThan(2);
  });

  test("stays fails when the condition breaks before the duration is over", async () => {
    const values = [1, 1, 0, 1];
    await expect(stays(scripted(values), that("1", (v: number) => v === 1), { forMs: 10_000, after: "revert", intervalMs: 5 })).rejects.toThrow(
      /expected 1 to stay true for 10\.0 s after "revert", but it broke after holding for .* \(3 samples\); last value seen 0/,
    );
  });

  test("stays waits up to `within` for the condition to start holding", async () => {
    const outcome = await stays(scripted([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), that("1", (v: number) => v === 1), {
      forMs: 30,
      withinMs: 1_000,
      after: "revert",
      intervalMs: 5,
    });
    expect(outcome.samples).toBeGreaterThan(3);
    await expect(stays(scripted([0]), that("1", (v: number) => v === 1), { forMs: 30, after: "revert", intervalMs: 5 })).rejects.toThrow(/but it broke at \+/);
  });
});
