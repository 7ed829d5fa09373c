// Restoring a fault of the local platform. The embedded stack lives in its runner's process tree:
// when the runner dies, every replica sees its stdin close and exits, so the fault dies with it.
// What can outlive it are orphans (a replica that ignored the signal, a private broker node): find
// them by the run id in their environment and stop them.
import type { LedgerEntry } from "../../ledger/ledger.ts";
import { describeSwept, sweepOrphans } from "../orphans.ts";
import { processesWithEnv } from "../../core/processes.ts";

export const RUN_ID_ENV = "GAMEDAY_RUN_ID";

/** Pids of processes whose environment carries the run's id. */
export function processesOfRun(runId: string): number[] {
  return processesWithEnv(RUN_ID_ENV, runId);
}

export async function restoreLocal(entry: LedgerEntry): Promise<string> {
  const orphans = processesOfRun(entry.runId);
  for (const pid of orphans) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  const swept = await sweepOrphans({ controlPlanes: false });
  const parts = [orphans.length > 0 ? `stopped ${orphans.length} orphaned process(es) of the run` : "no process of the run remains", ...describeSwept(swept)];
  return `the embedded stack ended with its runner, taking the fault with it; ${parts.join(", ")}`;
}
