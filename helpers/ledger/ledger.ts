// The ledger: a durable record of every fault and the state it replaced, written (and fsynced)
// before the mutation, so a run that dies mid-fault can be repaired from it.
import fs from "node:fs";
import path from "node:path";

export interface LedgerEntry {
  id: string;
  event: "inject" | "revert";
  time: string;
  runId: string;
  ownerPid: number;
  platform: string;
  fault: string;
  title: string;
  /** What revert() restores, e.g. { deployment, replicas }. */
  original: Record<string, unknown>;
}

export class Ledger {
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  private append(entry: LedgerEntry): void {
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, JSON.stringify(entry) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Records a fault about to be applied; call before mutating anything. */
  recordInjection(entry: Omit<LedgerEntry, "id" | "event" | "time" | "ownerPid">): string {
    const id = `${entry.runId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.append({ ...entry, id, event: "inject", time: new Date().toISOString(), ownerPid: process.pid });
    return id;
  }

  recordRevert(injection: string, entry: Omit<LedgerEntry, "id" | "event" | "time" | "ownerPid">): void {
    this.append({ ...entry, id: injection, event: "revert", time: new Date().toISOString(), ownerPid: process.pid });
  }

  entries(): LedgerEntry[] {
    if (!fs.existsSync(this.file)) return [];
    return fs
      .readFileSync(this.file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as LedgerEntry);
  }

  /** Injections with no matching revert. */
  outstanding(): LedgerEntry[] {
    const reverted = new Set(this.entries().filter((e) => e.event === "revert").map((e) => e.id));
    return this.entries().filter((e) => e.event === "inject" && !reverted.has(e.id));
  }
}
