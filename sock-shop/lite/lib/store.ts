// A document collection on disk: an append-only JSON-lines file, so data survives restarts and
// several replicas of one service (separate processes) see each other's writes.
import fs from "node:fs";
import path from "node:path";

interface Put<T> {
  op: "put";
  id: string;
  doc: T;
}
interface Del {
  op: "del";
  id: string;
}
type Entry<T> = Put<T> | Del;

export class Collection<T> {
  private readonly docs = new Map<string, T>();
  private offset = 0;
  private partial = "";

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (!fs.existsSync(file)) fs.writeFileSync(file, "");
  }

  static in<T>(dataDir: string, name: string): Collection<T> {
    return new Collection<T>(path.join(dataDir, `${name}.jsonl`));
  }

  /** Applies whatever other writers appended since the last read. */
  private refresh(): void {
    const size = fs.statSync(this.file).size;
    if (size === this.offset) return;
    const fd = fs.openSync(this.file, "r");
    try {
      const buffer = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      const lines = (this.partial + buffer.toString("utf8")).split("\n");
      this.partial = lines.pop() ?? "";
      for (const line of lines) {
        if (line.trim() === "") continue;
        const entry = JSON.parse(line) as Entry<T>;
        if (entry.op === "put") this.docs.set(entry.id, entry.doc);
        else this.docs.delete(entry.id);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private append(entry: Entry<T>): void {
    // One write of one line with O_APPEND is atomic between processes; fsync makes it durable.
    const fd = fs.openSync(this.file, "a");
    try {
      fs.writeSync(fd, JSON.stringify(entry) + "\n");
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.refresh();
  }

  get(id: string): T | undefined {
    this.refresh();
    return this.docs.get(id);
  }

  all(): T[] {
    this.refresh();
    return [...this.docs.values()];
  }

  put(id: string, doc: T): T {
    this.append({ op: "put", id, doc });
    return doc;
  }

  delete(id: string): boolean {
    this.refresh();
    if (!this.docs.has(id)) return false;
    this.append({ op: "del", id });
    return true;
  }
}

/** A 24-hex id like MongoDB's ObjectId, which the upstream front-end expects in links. */
export function objectId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, "0");
  const random = Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join("");
  return seconds + random;
}
