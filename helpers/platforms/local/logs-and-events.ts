// What the local platform says about itself: each replica's output (in memory, capped, and appended
// to one file per deployment) and Kubernetes-style events.
import fs from "node:fs";
import path from "node:path";
import type { LogLine, PlatformEvent } from "../platform.ts";
import type { Deployment, Replica } from "./deployment.ts";

const MAX_LOG_LINES = 20_000;

export class EventLog {
  private readonly entries: PlatformEvent[] = [];

  add(type: PlatformEvent["type"], reason: string, object: string, message: string): void {
    this.entries.push({ time: Date.now(), type, reason, object, message });
  }

  since(sinceMs: number): PlatformEvent[] {
    return this.entries.filter((e) => e.time >= sinceMs);
  }
}

/** Keeps one line a replica wrote (or one the controller wrote about it) in memory and in the file. */
export function recordLine(d: Deployment, replica: Replica, text: string): void {
  const line: LogLine = { time: Date.now(), source: replica.id, text };
  d.logs.push(line);
  if (d.logs.length > MAX_LOG_LINES) d.logs.splice(0, d.logs.length - MAX_LOG_LINES);
  const entry = `${new Date(line.time).toISOString()} ${replica.id} ${text}\n`;
  try {
    fs.appendFileSync(d.logFile, entry);
  } catch {
    // The log directory was removed under us: recreate it; the in-memory log is kept regardless.
    fs.mkdirSync(path.dirname(d.logFile), { recursive: true });
    fs.appendFileSync(d.logFile, entry);
  }
}

export function logsSince(d: Deployment, sinceMs: number): LogLine[] {
  return d.logs.filter((l) => l.time >= sinceMs);
}
