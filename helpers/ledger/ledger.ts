// The ledger: a durable record of every fault and the state it replaced, written (and fsynced)
// before the mutation, so a run that dies mid-fault can be repaired from it. Entries are
// hash-chained: each carries the hash of the one before, so an edited or deleted line is detected.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { HarnessError } from "../core/errors.ts";

export interface LedgerRecord {
  runId: string;
  platform: string;
  fault: string;
  title: string;
  /** What revert() restores, e.g. { deployment, replicas }. */
  original: Record<string, unknown>;
  /** Where the platform made the change (its Platform.scope), for restoring a crashed run. */
  scope?: Record<string, string>;
  /** For a revert: who reverted (the run, the janitor, gameday restore) and how. */
  note?: string;
}

export interface LedgerEntry extends LedgerRecord {
  id: string;
  event: "inject" | "revert";
  time: string;
  ownerPid: number;
  prevHash: string;
  hash: string;
}

const GENESIS = "0".repeat(64);

/** JSON with object keys sorted at every depth, so the hash does not depend on how objects were built. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function hashOf(entry: Omit<LedgerEntry, "hash">): string {
  return createHash("sha256").update(canonical(entry)).digest("hex");
}

export class LedgerTampered extends HarnessError {
  override name = "LedgerTampered";
}

export class Ledger {
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  private append(entry: Omit<LedgerEntry, "prevHash" | "hash">): void {
    // Appends are serialised by an exclusive lock file, so parallel workers keep one chain.
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + 10_000;
    let fd: number | undefined;
    while (fd === undefined) {
      try {
        fd = fs.openSync(lock, "wx");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        try {
          if (Date.now() - fs.statSync(lock).mtimeMs > 10_000) fs.rmSync(lock, { force: true }); // its owner died
        } catch {
          // gone already
        }
        if (Date.now() > deadline) throw new HarnessError(`cannot lock the ledger ${this.file} (held by ${lock})`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
      }
    }
    try {
      const prevHash = this.lastHash();
      const complete = { ...entry, prevHash };
      const line = JSON.stringify({ ...complete, hash: hashOf(complete) }) + "\n";
      const out = fs.openSync(this.file, "a");
      try {
        fs.writeSync(out, line);
        fs.fsyncSync(out);
      } finally {
        fs.closeSync(out);
      }
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }

  /** The hash of the last line, read from the file's tail rather than the whole ledger. */
  private lastHash(): string {
    if (!fs.existsSync(this.file)) return GENESIS;
    const size = fs.statSync(this.file).size;
    if (size === 0) return GENESIS;
    const fd = fs.openSync(this.file, "r");
    try {
      const length = Math.min(size, 65_536);
      const buffer = Buffer.alloc(length);
      fs.readSync(fd, buffer, 0, length, size - length);
      const last = buffer.toString("utf8").trimEnd().split("\n").at(-1) ?? "";
      try {
        return (JSON.parse(last) as LedgerEntry).hash;
      } catch {
        throw new LedgerTampered(`the last line of ledger ${this.file} is not valid JSON: the ledger was edited or truncated`);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Records a fault about to be applied; call before mutating anything. Returns the entry id. */
  recordInjection(record: LedgerRecord): string {
    const id = `${record.runId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.append({ ...record, id, event: "inject", time: new Date().toISOString(), ownerPid: process.pid });
    return id;
  }

  recordRevert(injection: string, record: LedgerRecord): void {
    this.append({ ...record, id: injection, event: "revert", time: new Date().toISOString(), ownerPid: process.pid });
  }

  /** Every entry, after checking the hash chain; throws LedgerTampered naming the first bad line. */
  entries(): LedgerEntry[] {
    if (!fs.existsSync(this.file)) return [];
    const lines = fs.readFileSync(this.file, "utf8").split("\n");
    const entries: LedgerEntry[] = [];
    let prevHash = GENESIS;
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      const where = `${this.file}:${index + 1}`;
      let entry: LedgerEntry;
      try {
        entry = JSON.parse(line) as LedgerEntry;
      } catch {
        throw new LedgerTampered(`ledger ${where} is not valid JSON: the ledger was edited or truncated`);
      }
      const { hash, ...rest } = entry;
      if (entry.prevHash !== prevHash) {
        throw new LedgerTampered(`ledger ${where} does not follow the line before it (a line was removed, inserted or reordered)`);
      }
      if (hashOf(rest) !== hash) throw new LedgerTampered(`ledger ${where} was modified after it was written (hash mismatch)`);
      prevHash = hash;
      entries.push(entry);
    });
    return entries;
  }

  /** Injections with no matching revert. */
  outstanding(): LedgerEntry[] {
    const all = this.entries();
    const reverted = new Set(all.filter((e) => e.event === "revert").map((e) => e.id));
    return all.filter((e) => e.event === "inject" && !reverted.has(e.id));
  }
}
