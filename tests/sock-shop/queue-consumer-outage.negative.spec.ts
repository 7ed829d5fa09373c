// Negative controls: the code-first game day, mutated as its YAML twin's mutants are
// (fixtures/scenario-tests.ts), must fail with the same verdict kinds and say why.
import { classifyFailure, expect, inertPlatform, InvariantViolation, test, type Fault, type Mutation } from "../../fixtures/index.ts";
import { queueConsumerOutage } from "./queue-consumer-outage.gameday.ts";

/** Every mutation the fault makes is acknowledged and not performed: the fault "succeeds" silently. */
const inert = (fault: Fault): Fault => ({ ...fault, inject: (context) => fault.inject({ ...context, platform: inertPlatform(context.platform) }) });

const mutants: { name: string; mutation: Mutation; verdict: string; kind?: string; message: RegExp }[] = [
  {
    name: "fault not applied",
    mutation: { wrapFault: inert },
    verdict: "harness error",
    message: /^fault "scale deployment queue-master to 0" did not take effect: deployment queue-master: expected 0 replica\(s\) running and 0 ready within 15\.0 s .*last value seen \{"name":"queue-master","desired":1,"running":1,"ready":1,/,
  },
  {
    name: "recovery skipped",
    mutation: { skipRevert: true, capWithinMs: 3_000 },
    verdict: "finding",
    kind: "recovery",
    message: /^\[recovery\] queue shipping-task: expected depth = 0 and consumers = 1 within 3\.00 s after "recover \(skipped\)", not reached after 3\.\d\d s and \d+ samples; last value seen \{"exists":true,"depth":2,"ready":2,"consumers":0\b/,
  },
];

for (const mutant of mutants) {
  test.describe(`queue-consumer-outage, the mutant "${mutant.name}"`, () => {
    test.use({ mutation: mutant.mutation });

    test(`fails as a ${mutant.verdict}${mutant.kind ? ` (${mutant.kind})` : ""}, naming what it expected and saw`, async ({ gameday, deployment }) => {
      const failure = await queueConsumerOutage(gameday, { orders: 2 }).then(() => undefined, (error: unknown) => error as Error);
      expect(failure, `the mutant "${mutant.name}" passed: the game day cannot detect it`).toBeInstanceOf(Error);
      const error = failure as Error;
      expect(classifyFailure([{ message: error.message, stack: error.stack }]), error.message).toBe(mutant.verdict);
      expect(error instanceof InvariantViolation ? error.kind : undefined, error.message).toBe(mutant.kind);
      expect(error.message).toMatch(mutant.message);
      expect(error.stack, "the failure points at the game day's line").toMatch(/queue-consumer-outage\.gameday\.ts:\d+/);
      if (mutant.mutation.wrapFault) await expect(deployment("queue-master"), "the consumer was never touched").toHave({ ready: 1 });
    });
  });
}
