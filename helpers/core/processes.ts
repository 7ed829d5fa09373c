// Finding processes by a variable in their environment: how a run's children (replicas, control
// plane components) are recognised after the process that started them died.
import fs from "node:fs";

/** Pids (not this process) whose environment holds name=value exactly. */
export function processesWithEnv(name: string, value: string): number[] {
  const entry = `${name}=${value}`;
  const pids: number[] = [];
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(entry)) pids.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

/**
 * The process groups a command's kill must reach: its own, and those its children lead (`gameday run`
 * starts Playwright in a group of its own, so a kill of the CLI's group alone leaves the run going).
 */
export function processGroupsOf(pid: number): number[] {
  const groups = new Set<number>([pid]);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === pid) groups.add(Number(pgid));
    } catch {
      // gone meanwhile
    }
  }
  return [...groups];
}

/** SIGKILL to every group of processGroupsOf(pid): the command dies as a cancelled CI job's does, no teardown anywhere. */
export function killCommand(pid: number): void {
  for (const group of processGroupsOf(pid)) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Output to a terminal that has closed fails (EIO, EPIPE) with an error event, which would end the
 * process where it stands: in a game day, in the middle of reverting its faults. Such output is dropped.
 */
export function outliveClosedTerminal(): void {
  const marker = Symbol.for("gameday.outlives-terminal");
  for (const stream of [process.stdout, process.stderr] as (NodeJS.WriteStream & { [marker]?: true })[]) {
    if (stream[marker]) continue;
    stream.on("error", () => undefined);
    stream[marker] = true;
  }
}
