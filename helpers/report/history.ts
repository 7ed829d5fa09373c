// The trend: every run that played a scenario appends one file to reports/history/ (its score and,
// per scenario, the standing and key times); the summary page compares the run with the ones before.
import fs from "node:fs";
import path from "node:path";
import type { Standing } from "./score.ts";

export interface HistoryScenario {
  name: string;
  file: string;
  severity: string;
  standing: Standing;
  /** Key times in milliseconds: detect, notify, recover, drain, resolve. */
  times: Record<string, number>;
}

export interface HistoryEntry {
  /** ISO time the run ended. */
  at: string;
  score: number | null;
  verdict: string;
  scenarios: HistoryScenario[];
}

/** Writes the run's entry as its own file (runs never rewrite each other's); returns its path. */
export function appendHistory(dir: string, entry: HistoryEntry): string {
  fs.mkdirSync(dir, { recursive: true });
  const base = entry.at.replace(/[:.]/g, "-");
  let file = path.join(dir, `${base}.json`);
  for (let n = 2; fs.existsSync(file); n++) file = path.join(dir, `${base}-${n}.json`);
  fs.writeFileSync(file, JSON.stringify(entry, null, 2));
  return file;
}

/** Every readable entry, oldest first; unreadable files are left out. */
export function readHistory(dir: string): HistoryEntry[] {
  if (!fs.existsSync(dir)) return [];
  const entries: HistoryEntry[] = [];
  // Written order within one instant: "<at>.json" before "<at>-2.json".
  const names = fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort((a, b) => a.length - b.length || a.localeCompare(b));
  for (const name of names) {
    try {
      const entry = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as HistoryEntry;
      if (typeof entry.at === "string" && Array.isArray(entry.scenarios)) entries.push(entry);
    } catch {
      // a half-written or foreign file: not part of the trend
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

export interface Trend {
  /** Scores of earlier runs, oldest first, then this run's. */
  scores: { at: string; score: number | null }[];
  /** The previous run's score, if there was one. */
  previous: number | null | undefined;
  /** Per scenario name: its key times in earlier runs (oldest first) and now. */
  times: Map<string, { at: string; standing: Standing; times: Record<string, number> }[]>;
}

/** The trend of `current` against the `limit` runs before it. */
export function trendOf(history: readonly HistoryEntry[], current: HistoryEntry, limit = 10): Trend {
  const earlier = history.filter((h) => h.at < current.at).slice(-limit);
  const runs = [...earlier, current];
  const times = new Map<string, { at: string; standing: Standing; times: Record<string, number> }[]>();
  for (const run of runs) {
    for (const s of run.scenarios) {
      const list = times.get(s.name) ?? [];
      list.push({ at: run.at, standing: s.standing, times: s.times });
      times.set(s.name, list);
    }
  }
  return { scores: runs.map((r) => ({ at: r.at, score: r.score })), previous: earlier.at(-1)?.score, times };
}
