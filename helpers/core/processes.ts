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
