// A Fault is a value that, once injected, returns its own undo. inject() records the original state
// in the ledger before mutating; proveEffect() shows it took hold; revert() is idempotent.
import type { Ledger } from "../ledger/ledger.ts";
import type { Platform } from "../platforms/platform.ts";

export interface FaultContext {
  platform: Platform;
  ledger: Ledger;
  runId: string;
}

export interface Fault {
  readonly kind: string;
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
