// What a facilitated run (`gameday run --facilitate`) adds to the game-day summary: the team's
// prediction for each expectation (by its path in the scenario file: `after[0]`, `detect[0]`, …),
// the facilitator's notes, and whether they aborted. The CLI writes it as the run goes
// (GAMEDAY_FACILITATION names the file); the summary reporter reads it when the run ends and
// scores each prediction against what happened.
import fs from "node:fs";
import type { ExpectationRow, ScenarioOutcome } from "./game-day.ts";

export const FACILITATION_ENV = "GAMEDAY_FACILITATION";

export const PREDICTIONS = ["holds", "fails", "unsure"] as const;
export type Prediction = (typeof PREDICTIONS)[number];

export interface FacilitationRecord {
  /** The scenario file the predictions were made for. */
  scenario: string;
  /** Expectation path → what the team predicted. */
  predictions: Record<string, Prediction>;
  notes: { at: string; text: string }[];
  /** Set when the facilitator aborted: when, and at what point of the run. */
  aborted?: { at: string; during: string };
}

export interface PredictionTally {
  right: number;
  wrong: number;
  /** Predicted "unsure", or the expectation was never judged (not reached). */
  unscored: number;
}

export interface Facilitated {
  predictions: PredictionTally;
  notes: FacilitationRecord["notes"];
  aborted: FacilitationRecord["aborted"];
}

export function readFacilitation(file: string | undefined): FacilitationRecord | undefined {
  if (!file || !fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as FacilitationRecord;
}

export function writeFacilitation(file: string, record: FacilitationRecord): void {
  fs.writeFileSync(file, JSON.stringify(record, null, 2));
}

/** Whether a prediction came true: undefined when it cannot be scored. */
export function predictionCameTrue(prediction: Prediction | undefined, outcome: ExpectationRow["outcome"]): boolean | undefined {
  if (prediction === undefined || prediction === "unsure") return undefined;
  if (outcome !== "held" && outcome !== "violated") return undefined;
  return (prediction === "holds") === (outcome === "held");
}

/** The outcome with the team's predictions on its rows and their tally; an abort makes it a finding. */
export function withFacilitation(outcome: ScenarioOutcome, record: FacilitationRecord): ScenarioOutcome {
  const rows = outcome.rows.map((row) => {
    const predicted = record.predictions[row.path];
    return predicted === undefined ? row : { ...row, predicted };
  });
  const scored = rows.map((row) => predictionCameTrue(row.predicted, row.outcome));
  const facilitated: Facilitated = {
    predictions: { right: scored.filter((s) => s === true).length, wrong: scored.filter((s) => s === false).length, unscored: rows.filter((r) => r.predicted !== undefined).length - scored.filter((s) => s !== undefined).length },
    notes: record.notes,
    aborted: record.aborted,
  };
  if (!record.aborted) return { ...outcome, rows, facilitated };
  return {
    ...outcome,
    rows,
    facilitated,
    verdict: "finding",
    standing: "finding",
    kind: "aborted",
    message: `aborted by the facilitator during ${record.aborted.during}; every fault was reverted`,
  };
}
