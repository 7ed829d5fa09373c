// Negative controls: the game day's invariants must be able to fail. Each runs the real game day
// with one thing broken on purpose and asserts it fails, with the right error and message.
import { expect, FaultNotEffective, InvariantViolation, scaleDeployment, test, type Fault, type Platform } from "../../fixtures/index.ts";
import { QUEUE_CONSUMER } from "../../sock-shop/target.ts";
import { queueConsumerOutage } from "./queue-consumer-outage.gameday.ts";

/** A fault whose platform acknowledges the scale call and does nothing: it "succeeds" silently. */
function silently(fault: Fault): Fault {
  const ignoringScale = (platform: Platform): Platform =>
    new Proxy(platform, {
      get: (target, key) =>
        key === "scale"
          ? async (name: string) => ({ previous: (await target.deployment(name)).desired })
          : (Reflect.get(target, key, target) as unknown),
    });
  return { ...fault, inject: (context) => fault.inject({ ...context, platform: ignoringScale(context.platform) }) };
}

test.describe("queue-consumer-outage negative controls", () => {
  test("with recovery skipped, the game day fails on the drain invariant, naming the queue, the deadline and the last depth", async ({
    page,
    platform,
    queues,
    chaos,
    timeline,
  }) => {
    const failure = await queueConsumerOutage({ page, platform, queues, chaos, timeline }, { orders: 2, drainWithinMs: 3_000, skipRecovery: true }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure, "the game day must fail when the consumer never comes back").toBeInstanceOf(InvariantViolation);
    expect((failure as InvariantViolation).kind).toBe("recovery");
    expect((failure as Error).message).toMatch(
      /^\[recovery\] queue shipping-task: expected depth 0 within 3\.00 s after "recover \(skipped\)", not reached after 3\.\d\d s and \d+ samples; last value seen \{"depth":2,"consumers":0\}$/,
    );
  });

  test("with a fault that silently does not take effect, the game day fails on proof of effect", async ({ page, platform, queues, chaos, timeline }) => {
    const fault = silently(scaleDeployment({ deployment: QUEUE_CONSUMER, replicas: 0, proofTimeoutMs: 2_000 }));
    const failure = await queueConsumerOutage({ page, platform, queues, chaos, timeline }, { orders: 2, drainWithinMs: 30_000, fault }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure, "an ineffective fault must never let the game day pass").toBeInstanceOf(FaultNotEffective);
    expect((failure as Error).message).toMatch(
      /^fault "scale deployment queue-master to 0" did not take effect: deployment queue-master: expected 0 replica\(s\) running and 0 ready within 2\.00 s .*last value seen \{"name":"queue-master","desired":1,"running":1,"ready":1,/,
    );
    expect((await platform.deployment(QUEUE_CONSUMER)).ready, "the consumer was never touched").toBe(1);
  });
});
