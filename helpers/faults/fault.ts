// A Fault is a value that, once injected, returns its own undo. inject() records the original state
// in the ledger before mutating; proveEffect() shows it took hold; revert() is idempotent.
//
// Every fault kind is written with `defineFault` in its own file: its scenario fields, the state it
// reads, the mutation, the proof and the restore. defineFault owns the rest — the ledger record
// before the mutation, the revert record after it, a failed mutation that restores and closes its
// entry — so no fault can skip the ledger.
import * as z from "zod";
import { describeError, FaultNotEffective, HarnessError, InvariantViolation } from "../core/errors.ts";
import { Duration, withDefaults, type Resolved, type WithOptionalDefaults } from "../core/schema-primitives.ts";
import { eventually, type Condition } from "../invariants/temporal.ts";
import type { Ledger, LedgerRecord } from "../ledger/ledger.ts";
import { assertWithinBlastRadius, type CapacityTaken } from "../platforms/blast-radius.ts";
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
  /**
   * Reads the state the fault would replace and refuses (ScenarioError, exit 2) a fault that would
   * take away more capacity than the platform's blast radius allows. Mutates nothing: a run admits
   * every fault before it injects the first. inject() checks again.
   */
  admit(platform: Platform): Promise<void>;
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

/** When a scenario's fault happens; the same for every kind. */
export const FaultTiming = {
  /** Offset from the start of the during phase; faults without one are injected before it. */
  start: Duration.optional(),
  /** Reverted after this long even if the game day is still running; also the watchdog limit. */
  duration: Duration.optional(),
};

/** Options code may pass to any fault, beyond what a scenario file says. */
export interface FaultOptions {
  /** How long the proof of effect may take before the fault counts as not effective. */
  proofTimeoutMs?: number;
}

export interface FaultDefinition<K extends string, Shape extends z.ZodRawShape, X, O extends Record<string, unknown>, A> {
  readonly kind: K;
  /** What the platform must be able to change. */
  readonly requires: PlatformCapability;
  /** The fault's fields in a scenario, besides `kind` and the timing. */
  readonly fields: Shape;
  /** What it does, as the plan, the report and the ledger say it; `original` once it has been read. */
  title(spec: Resolved<Shape> & X, original?: O): string;
  /** The state the fault will replace, read before anything changes and recorded in the ledger first. */
  read(platform: Platform, spec: Resolved<Shape> & X): Promise<O>;
  /** The mutation; what it returns is handed to the proof (e.g. the replicas it killed). */
  apply(platform: Platform, spec: Resolved<Shape> & X, original: O): Promise<A>;
  /** Waits until the effect shows (see proveWithin) and returns the evidence. */
  prove(platform: Platform, spec: Resolved<Shape> & X & FaultOptions, original: O, applied: A, title: string): Promise<string>;
  /** Puts the recorded original back; a no-op when nothing changed. Absent: nothing to put back. */
  restore?(platform: Platform, spec: Resolved<Shape> & X, original: O): Promise<void>;
  /** Why there is nothing to restore, for the ledger (with no `restore`). */
  readonly nothingToRestore?: string;
  /** Facts about the injection worth keeping beside the original (e.g. which replicas were killed). */
  details?(applied: A): Record<string, unknown>;
  /**
   * The replicas the fault takes away, from the state it read (scale down, kill, broken build,
   * isolate, drain); checked against the platform's blast radius before anything is recorded or
   * mutated. Absent: the fault degrades capacity without removing replicas.
   */
  takes?(spec: Resolved<Shape> & X, original: O): Omit<CapacityTaken, "what">;
}

/** The fields code passes to a fault's factory: the scenario's, with defaults optional, in milliseconds. */
export type FaultInput<Shape extends z.ZodRawShape, X> = WithOptionalDefaults<Shape> & X & FaultOptions;

export interface FaultEntry<K extends string = string, Shape extends z.ZodRawShape = z.ZodRawShape, X = unknown> {
  (...spec: object extends FaultInput<Shape, X> ? [spec?: FaultInput<Shape, X>] : [spec: FaultInput<Shape, X>]): Fault;
  readonly kind: K;
  readonly requires: PlatformCapability;
  /** The scenario schema's member for this kind. */
  readonly schema: z.ZodObject<{ kind: z.ZodLiteral<K> } & Shape & typeof FaultTiming, z.core.$strict>;
}

export function defineFault<K extends string, Shape extends z.ZodRawShape, O extends Record<string, unknown>, A = void, X = unknown>(
  definition: FaultDefinition<K, Shape, X, O, A>,
): FaultEntry<K, Shape, X> {
  const schema = z.strictObject({ kind: z.literal(definition.kind), ...definition.fields, ...FaultTiming });
  const create = (input: object = {}): Fault => {
    const spec = withDefaults(definition.fields, input) as Resolved<Shape> & X & FaultOptions;
    const readAdmitted = async (platform: Platform): Promise<O> => {
      const original = await definition.read(platform, spec);
      const taken = definition.takes?.(spec, original);
      if (taken) assertWithinBlastRadius({ what: definition.title(spec, original), ...taken }, platform.blastRadius);
      return original;
    };
    return {
      kind: definition.kind,
      requires: definition.requires,
      title: definition.title(spec),
      admit: async (platform) => void (await readAdmitted(platform)),
      async inject({ platform, ledger, runId }) {
        const original = await readAdmitted(platform);
        const title = definition.title(spec, original);
        const record: LedgerRecord = { runId, platform: platform.name, scope: platform.scope, fault: definition.kind, title, original };
        const restore = (): Promise<void> => definition.restore?.(platform, spec, original) ?? Promise.resolve();
        const { injection, result: applied } = await recordThenMutate(ledger, record, () => definition.apply(platform, spec, original), restore);
        return activeFault({
          title,
          original: { ...original, ...definition.details?.(applied) },
          proveEffect: () => definition.prove(platform, spec, original, applied, title),
          undo: async () => {
            await restore();
            ledger.recordRevert(injection, definition.restore ? record : { ...record, note: definition.nothingToRestore ?? "nothing to restore" });
          },
        });
      },
    };
  };
  return Object.assign(create, { kind: definition.kind, requires: definition.requires, schema });
}

/** Builds the idempotent handle around an undo function. */
function activeFault(parts: { title: string; original: Record<string, unknown>; proveEffect: () => Promise<string>; undo: () => Promise<void> }): ActiveFault {
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
async function recordThenMutate<T>(ledger: Ledger, record: LedgerRecord, mutate: () => Promise<T>, undo: () => Promise<void>): Promise<{ injection: string; result: T }> {
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
