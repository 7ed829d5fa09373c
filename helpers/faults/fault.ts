// A Fault is a value that, once injected, returns its own undo. inject() records the original state
// in the ledger before mutating; proveEffect() shows it took hold; revert() is idempotent.
import { describeError, FaultNotEffective, HarnessError, InvariantViolation } from "../core/errors.ts";
import { eventually, type Condition } from "../invariants/temporal.ts";
import type { Ledger, LedgerRecord } from "../ledger/ledger.ts";
import type { Platform, PlatformCapability } from "../platforms/platform.ts";
import type { Probe } from "../probes/probe.ts";

export interface FaultContext {
  platform: Platform;
  ledger: Ledger;
  runId: string;
}

export interface Fault {
  readonly kind: string;
  /** What the platform must be able to change for this fault; see Platform.capabilities. */
  readonly requires: PlatformCapability;
  /** Used as the report step title: "inject: <title>". */
  readonly title: string;
  inject(context: FaultContext): Promise<ActiveFault>;
}

export interface ActiveFault {
  readonly title: string;
  /** Epoch milliseconds of the mutation. */
  readonly injectedAt: number;
  /** The state revert() restores, as recorded in the ledger. */
  readonly original: Record<string, unknown>;
  /** Resolves with evidence once the fault took effect; throws FaultNotEffective otherwise. */
  proveEffect(): Promise<string>;
  /** Restores the original state. Safe to call any number of times. */
  revert(): Promise<void>;
}

/** The ledger record of an injection by this context's platform, with where it lands. */
export function faultRecord(context: FaultContext, fault: string, title: string, original: Record<string, unknown>): LedgerRecord {
  return { runId: context.runId, platform: context.platform.name, scope: context.platform.scope, fault, title, original };
}

/** Builds the idempotent handle around an undo function and its ledger bookkeeping. */
export function activeFault(parts: {
  title: string;
  original: Record<string, unknown>;
  proveEffect: () => Promise<string>;
  undo: () => Promise<void>;
}): ActiveFault {
  let reverting: Promise<void> | undefined;
  return {
    title: parts.title,
    injectedAt: Date.now(),
    original: parts.original,
    proveEffect: parts.proveEffect,
    revert: () => {
      // A failed revert may be retried; a successful one is never repeated.
      reverting ??= parts.undo().catch((error: unknown) => {
        reverting = undefined;
        throw error;
      });
      return reverting;
    },
  };
}

/** The platform's optional operation for a capability, or a HarnessError saying the platform lacks it. */
export function capability<T>(platform: Platform, needed: PlatformCapability, operation: T | undefined, fault: string): T {
  if (operation === undefined || !platform.capabilities.has(needed)) {
    throw new HarnessError(`the ${fault} fault needs the "${needed}" capability, which the ${platform.name} platform does not have (it has ${[...platform.capabilities].join(", ")})`);
  }
  return operation;
}

/**
 * Samples a probe until the fault's effect shows, within a deadline. Failing, it throws
 * FaultNotEffective naming the fault, what was expected, the limit and the last value seen.
 */
export async function proveWithin<T>(title: string, probe: Probe<T>, condition: Condition<T>, withinMs: number, intervalMs = 100): Promise<T> {
  try {
    return (await eventually(probe, condition, { withinMs, intervalMs, after: `inject: ${title}` })).value;
  } catch (error) {
    if (!(error instanceof InvariantViolation)) throw error;
    throw new FaultNotEffective(`fault "${title}" did not take effect: ${error.message.replace(/^\[\w+\] /, "")}`);
  }
}

/**
 * Records the injection in the ledger, then mutates. If the mutation fails, the undo runs (it
 * restores the recorded state, which is a no-op when nothing changed) and the revert is recorded,
 * so a failed injection never leaves an outstanding ledger entry behind it.
 */
export async function recordThenMutate<T>(
  ledger: Ledger,
  record: LedgerRecord,
  mutate: () => Promise<T>,
  undo: () => Promise<void>,
): Promise<{ injection: string; result: T }> {
  const injection = ledger.recordInjection(record);
  try {
    return { injection, result: await mutate() };
  } catch (error) {
    try {
      await undo();
      ledger.recordRevert(injection, { ...record, note: `injection failed (${describeError(error)}); the recorded state was restored` });
    } catch {
      // The entry stays outstanding: the janitor (or gameday restore) reverts it.
    }
    throw error;
  }
}
