// Restore: revert what the ledger says is still applied. Run by `gameday restore` and, for entries
// whose run died (owner process gone), by the janitor at the start of every run. Each platform
// registers how it reverts an entry; the outcome says what was done, entry by entry.
import { describeError } from "../core/errors.ts";
import { isAlive } from "../core/leftovers.ts";
import type { Ledger, LedgerEntry } from "./ledger.ts";

export interface RestoreOutcome {
  entry: LedgerEntry;
  /** What was done, in words, e.g. "scaled queue-master back to 1". */
  action: string;
  reverted: boolean;
}

/** Reverts one outstanding entry; returns what it did. Throws when it could not. */
export type Restorer = (entry: LedgerEntry) => Promise<string>;

export async function restore(
  ledger: Ledger,
  restorers: Record<string, Restorer>,
  options: { includeLiveRuns?: boolean } = {},
): Promise<RestoreOutcome[]> {
  const outcomes: RestoreOutcome[] = [];
  // Newest first: faults are undone in the reverse order of their injection.
  for (const entry of ledger.outstanding().reverse()) {
    if (!options.includeLiveRuns && isAlive(entry.ownerPid)) continue; // its run is still going and will revert it
    const restorer = restorers[entry.platform];
    if (!restorer) {
      outcomes.push({ entry, action: `no restorer for platform "${entry.platform}": revert "${entry.title}" by hand, original state ${JSON.stringify(entry.original)}`, reverted: false });
      continue;
    }
    try {
      const action = await restorer(entry);
      ledger.recordRevert(entry.id, { runId: entry.runId, platform: entry.platform, fault: entry.fault, title: entry.title, original: entry.original, ...(entry.scope ? { scope: entry.scope } : {}), note: `restore: ${action}` });
      outcomes.push({ entry, action, reverted: true });
    } catch (error) {
      outcomes.push({ entry, action: `failed: ${describeError(error)}`, reverted: false });
    }
  }
  return outcomes;
}

export function formatRestore(outcomes: readonly RestoreOutcome[]): string {
  if (outcomes.length === 0) return "nothing to restore: every fault in the ledger was reverted";
  return outcomes
    .map((o) => `${o.reverted ? "reverted" : "NOT reverted"}: ${o.entry.title} (run ${o.entry.runId}, ${o.entry.platform}, injected ${o.entry.time}) — ${o.action}`)
    .join("\n");
}
