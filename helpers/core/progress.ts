// How a check that waits is doing ("depth 3"), for whoever shows progress to a person: the
// game-day reporter names a file in GAMEDAY_PROGRESS_FILE before the workers start, each worker
// writes its latest reading there (its own file, at most twice a second), the reporter reads it
// while the check's step runs. Without the variable nothing is written.
import fs from "node:fs";

export interface Progress {
  /** Epoch milliseconds of the reading. */
  at: number;
  subject: string;
  /** What the check waits for, e.g. "depth = 0". */
  expected: string;
  /** The latest reading, or the read's error. */
  observed: unknown;
}

const written = new Map<string, number>();

/** The progress file of a worker (by Playwright's worker index). */
export const progressFile = (base: string, workerIndex: number | string): string => `${base}-${workerIndex}.json`;

export function reportProgress(subject: string, expected: string, observed: unknown): void {
  const base = process.env.GAMEDAY_PROGRESS_FILE;
  if (!base) return;
  const file = progressFile(base, process.env.TEST_WORKER_INDEX ?? "0");
  const now = Date.now();
  if (now - (written.get(file) ?? 0) < 500) return;
  written.set(file, now);
  try {
    fs.writeFileSync(file, JSON.stringify({ at: now, subject, expected, observed } satisfies Progress));
  } catch {
    // progress is a courtesy: never a reason to fail a check
  }
}

export function readProgress(file: string): Progress | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Progress;
  } catch {
    return undefined;
  }
}
