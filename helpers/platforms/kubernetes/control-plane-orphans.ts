// Control planes whose run died without stopping them: their processes are not children of anyone
// still alive, so they are found by a variable in their environment (its value: the work directory)
// and killed by the next run's sweep or by `gameday restore`.
import fs from "node:fs";
import path from "node:path";
import { describeError } from "../../core/errors.ts";
import { orphaned } from "../../core/leftovers.ts";
import { processesWithEnv } from "../../core/processes.ts";
import { waitUntil } from "../../core/wait.ts";

/** Every child carries this variable, valued with its work directory, so a crashed run's orphans can be found. */
export const OWNER_ENV = "GAMEDAY_CONTROL_PLANE";
/** The kind of the leftovers registry's entries, one per component process. */
export const LEFTOVER_KIND = "control-plane";
const EXIT_WAIT_MS = 10_000;

/** Pids of live processes started for the control plane in `workDir` (read from /proc/<pid>/environ). */
export function controlPlaneProcesses(workDir: string): number[] {
  return processesWithEnv(OWNER_ENV, path.resolve(workDir));
}

/**
 * Kills the control-plane processes of runs that died without stopping them; returns how many
 * processes. Best effort, as ever: a process still alive after the wait is reported to `log`, and the
 * sweep goes on.
 */
export async function sweepOrphanedControlPlanes(options: { log?: (line: string) => void } = {}): Promise<number> {
  const found = orphaned(LEFTOVER_KIND);
  let killed = 0;
  for (const workDir of new Set(found.map(({ entry }) => String(entry.detail.workDir)))) {
    // By environment, not by recorded pid: a recorded pid may since belong to someone else.
    for (const pid of controlPlaneProcesses(workDir)) {
      try {
        process.kill(pid, "SIGKILL");
        killed += 1;
      } catch {
        // exited meanwhile
      }
    }
    await waitUntil(`the killed control-plane processes of ${workDir} to exit`, () => controlPlaneProcesses(workDir), (pids) => pids.length === 0, {
      withinMs: EXIT_WAIT_MS,
      intervalMs: 50,
    }).catch((error: unknown) => options.log?.(`${describeError(error)}; its logs: ${path.join(workDir, "logs")}`));
    fs.rmSync(path.join(workDir, "etcd-data"), { recursive: true, force: true });
  }
  for (const { forget } of found) forget();
  return killed;
}
