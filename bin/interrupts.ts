// Interrupts as a terminal and a CI runner send them: Ctrl-C is a SIGINT to the whole foreground
// process group, a cancelled CI job a SIGTERM, a terminal closed under a run a SIGHUP. The first asks for an orderly stop (journeys stop,
// faults revert, then the stack stops); the second exits at once, leaving the rest to `gameday restore`.
import { stateDir } from "../helpers/core/leftovers.ts";
import { outliveClosedTerminal } from "../helpers/core/processes.ts";
import { Ledger } from "../helpers/ledger/ledger.ts";
import path from "node:path";

export interface Interrupts {
  /** The first interrupting signal, once one arrived. */
  readonly signal: NodeJS.Signals | undefined;
  /** Resolves at the first interrupt. */
  readonly first: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * One Ctrl-C can arrive more than once: the terminal signals every process of its group, and the
 * wrappers in it (npx, tsx) relay what they received to their child. Signals this close to the first
 * are that same interrupt; a person's second Ctrl-C comes later.
 */
export const SAME_INTERRUPT_MS = 1_000;

const INTERRUPTS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** "Ctrl-C" for SIGINT (what a terminal sends), what a SIGHUP means, the signal's name otherwise. */
export function interruptName(signal: NodeJS.Signals): string {
  if (signal === "SIGINT") return "Ctrl-C";
  if (signal === "SIGHUP") return "the terminal closed (SIGHUP)";
  return signal;
}


/**
 * Handles SIGINT, SIGTERM and SIGHUP until disposed: `onFirst` at the first, `onSecond` (which should exit)
 * at any later one (from SAME_INTERRUPT_MS on). Installed for a command's whole life, so no interrupt ends it unannounced.
 */
export function handleInterrupts(onFirst: (signal: NodeJS.Signals) => void, onSecond: (signal: NodeJS.Signals) => void): Interrupts {
  let signal: NodeJS.Signals | undefined;
  let firstAt = 0;
  let resolveFirst: (signal: NodeJS.Signals) => void = () => undefined;
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const handler = (received: NodeJS.Signals): void => {
    if (signal === undefined) {
      signal = received;
      firstAt = performance.now();
      onFirst(received);
      resolveFirst(received);
    } else if (performance.now() - firstAt >= SAME_INTERRUPT_MS) {
      onSecond(received);
    }
  };
  for (const name of INTERRUPTS) process.on(name, handler);
  outliveClosedTerminal();
  return {
    get signal() {
      return signal;
    },
    first,
    dispose: () => {
      for (const name of INTERRUPTS) process.off(name, handler);
    },
  };
}

/** Sends a signal to a process group; false when the group is already gone. */
export function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Faults the ledger still holds applied: what `gameday restore` would revert. */
export function openFaults(): string[] {
  try {
    return new Ledger(path.join(stateDir(), "ledger.jsonl")).outstanding().map((e) => `${e.title} (run ${e.runId})`);
  } catch (error) {
    return [`(the ledger could not be read: ${error instanceof Error ? error.message : String(error)})`];
  }
}
