// A registry of resources a run started outside its own process (a private broker, a vhost), so the
// next run can remove what a SIGKILLed run left behind. One JSON file per resource.
import fs from "node:fs";
import path from "node:path";

export interface Leftover {
  kind: string;
  ownerPid: number;
  createdAt: string;
  detail: Record<string, string | number>;
}

export function stateDir(): string {
  return process.env.GAMEDAY_STATE_DIR ?? path.join(process.cwd(), ".gameday");
}

function dir(): string {
  const d = path.join(stateDir(), "leftovers");
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** True while the process runs; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** Records a resource; returns the function that forgets it once it is cleaned up. */
export function remember(kind: string, detail: Record<string, string | number>): () => void {
  const file = path.join(dir(), `${kind}-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2, 8)}.json`);
  const entry: Leftover = { kind, ownerPid: process.pid, createdAt: new Date().toISOString(), detail };
  fs.writeFileSync(file, JSON.stringify(entry));
  return () => fs.rmSync(file, { force: true });
}

/** Resources of this kind whose owning process is gone; `forget` drops one after cleanup. */
export function orphaned(kind: string): { entry: Leftover; forget: () => void }[] {
  const found: { entry: Leftover; forget: () => void }[] = [];
  for (const name of fs.readdirSync(dir())) {
    if (!name.startsWith(`${kind}-`)) continue;
    const file = path.join(dir(), name);
    try {
      const entry = JSON.parse(fs.readFileSync(file, "utf8")) as Leftover;
      if (!isAlive(entry.ownerPid)) found.push({ entry, forget: () => fs.rmSync(file, { force: true }) });
    } catch {
      fs.rmSync(file, { force: true });
    }
  }
  return found;
}
