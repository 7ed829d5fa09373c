// Detection's judgement over a stand-in monitoring (pure logic: the real Prometheus and Alertmanager
// run in monitoring.test.ts and in every scenario with detect:), and the located refusal of an
// alert no rule defines.
import { expect, test } from "@playwright/test";
import { EnvironmentNotReady, InvariantViolation } from "../../helpers/core/errors.ts";
import { sleep } from "../../helpers/core/time.ts";
import { DetectionWatch, type Expectation } from "../../helpers/detection/detection.ts";
import type { ActiveAlert, AlertNotification, Monitoring } from "../../helpers/monitoring/monitoring.ts";
import { validateFiles } from "../../helpers/scenario/validate.ts";
import { sockShop } from "../../sock-shop/target.ts";

/** A monitoring whose alerts a test sets; every firing alert also "notifies". */
function standIn(): Monitoring & { firing(name: string, on: boolean): void } {
  const now = new Set<string>();
  const notes: AlertNotification[] = [];
  return {
    display: "a stand-in Prometheus",
    alerts: () => Promise.resolve([...now].map((name): ActiveAlert => ({ name, labels: { queue: "shipping-task" }, state: "firing", activeAt: Date.now() }))),
    query: () => Promise.resolve([]),
    notifications: () => notes,
    alertNames: () => Promise.resolve(["ShippingTaskNotConsumed"]),
    firing(name, on) {
      if (on === now.has(name)) return;
      if (on) now.add(name);
      else now.delete(name);
      notes.push({ receivedAt: Date.now(), status: on ? "firing" : "resolved", name, labels: { queue: "shipping-task" } });
    },
  };
}

const fires: Expectation = { alert: "ShippingTaskNotConsumed", labels: { queue: "shipping-task" }, fires: { within: 2_000 }, resolves: { within: 2_000 } };

test("an alert that fires within its deadline and resolves after the revert passes, with the times measured", async () => {
  const monitoring = standIn();
  const watch = new DetectionWatch(monitoring, [fires], 20);
  await watch.assertQuiet(500);
  watch.start();
  watch.provenAt = Date.now();
  setTimeout(() => monitoring.firing("ShippingTaskNotConsumed", true), 300);
  await watch.waitFired();
  watch.revertedAt = Date.now();
  setTimeout(() => monitoring.firing("ShippingTaskNotConsumed", false), 200);
  await watch.waitResolved();
  await watch.stop();
  const [result] = watch.judge();
  expect(result?.timeToDetectMs).toBeGreaterThanOrEqual(250);
  expect(result?.timeToDetectMs).toBeLessThan(1_500);
  expect(result?.timeToNotifyMs).toBeGreaterThanOrEqual(250);
  expect(result?.timeToResolveMs).toBeGreaterThanOrEqual(150);
  expect(result?.observed).toMatch(/^fired .* after the fault, notified after .*; resolved .* after the revert$/);
});

test("an alert that never fires is a detection finding naming the alert, the deadline and the last state", async () => {
  const watch = new DetectionWatch(standIn(), [{ ...fires, fires: { within: 300 } }], 20);
  watch.start();
  watch.provenAt = Date.now();
  await watch.waitFired();
  await watch.stop();
  const failure = (() => {
    try {
      watch.judge();
      return undefined;
    } catch (error) {
      return error;
    }
  })();
  expect(failure).toBeInstanceOf(InvariantViolation);
  expect((failure as InvariantViolation).kind).toBe("detection");
  expect((failure as Error).message).toMatch(/^\[detection\] monitoring \(a stand-in Prometheus\): expected ShippingTaskNotConsumed\{queue="shipping-task"\} fires within 300 ms of the fault.*; it did not fire \(last state inactive\): the failure went unnoticed within 300 ms \(\d+ samples\)$/);
});

test("a never-alert that fires is a detection finding: monitoring cried wolf", async () => {
  const monitoring = standIn();
  const watch = new DetectionWatch(monitoring, [{ alert: "ShippingTaskNotConsumed", labels: {}, never: true }], 20);
  watch.start();
  watch.provenAt = Date.now();
  monitoring.firing("ShippingTaskNotConsumed", true);
  await sleep(100);
  await watch.stop();
  expect(() => watch.judge()).toThrow(/\[detection\] .*expected ShippingTaskNotConsumed never fires; fired at .*: monitoring cried wolf/);
});

test("a watched alert already firing before the fault is an environment that is not ready", async () => {
  const monitoring = standIn();
  monitoring.firing("ShippingTaskNotConsumed", true);
  const watch = new DetectionWatch(monitoring, [fires], 20);
  await expect(watch.assertQuiet(200)).rejects.toThrow(EnvironmentNotReady);
  await expect(watch.assertQuiet(200)).rejects.toThrow(/ShippingTaskNotConsumed\{queue="shipping-task"\} firing before any fault, still after 200 ms on a stand-in Prometheus/);
});

test("a detect: entry naming an alert no rule of the target defines is refused, located, with the known names", async ({}, testInfo) => {
  const fs = await import("node:fs");
  const file = testInfo.outputPath("typo.yaml");
  fs.writeFileSync(file, fs.readFileSync("scenarios/queue-consumer-outage.yaml", "utf8").replace("alert: ShippingTaskNotConsumed", "alert: ShippingTaskNotConsumd"));
  const result = validateFiles([file], { targetRuleFiles: (t) => (t === sockShop.name ? sockShop.monitoring?.ruleFiles : undefined) });
  expect(result.ok).toHaveLength(0);
  const message = result.failures[0]?.message ?? "";
  expect(message).toMatch(/typo\.yaml:\d+:12 {2}detect\[0\]\.alert: no rule of target sock-shop defines the alert "ShippingTaskNotConsumd" {2}\[unknown_alert\]/);
  expect(message).toContain('did you mean "ShippingTaskNotConsumed"?');
});
