// CI checks a seeded slice of the mutation campaign: every mutant kind once, replayable by its seed.
import { expect, test } from "@playwright/test";
import { mutantSelectionFromEnv, mutantSlice } from "../../fixtures/scenario-tests.ts";
import { loadScenario } from "../../helpers/scenario/loader.ts";
import { scenarioFilesIn } from "../../helpers/scenario/selection.ts";

const scenarios = scenarioFilesIn("scenarios").map((file) => loadScenario(file).scenario);

test("the slice checks every mutant kind exactly once, on a scenario it applies to", () => {
  const all = mutantSlice(scenarios, { all: true, seed: 1 });
  const kinds = [...new Set(all.map((c) => c.kind))];
  const slice = mutantSlice(scenarios, { all: false, seed: 1 });
  expect(slice.map((c) => c.kind).sort()).toEqual(kinds.sort());
  for (const choice of slice) expect(all, `${choice.kind} on ${choice.scenario} is not a pair of the full campaign`).toContainEqual(choice);
  expect(all.length).toBeGreaterThan(slice.length);
});

test("the same seed picks the same slice; other seeds reach other scenarios", () => {
  expect(mutantSlice(scenarios, { all: false, seed: 7 })).toEqual(mutantSlice(scenarios, { all: false, seed: 7 }));
  const reached = new Set<string>();
  for (let seed = 1; seed <= 40; seed++) for (const c of mutantSlice(scenarios, { all: false, seed })) if (c.kind === "fault not applied") reached.add(c.scenario);
  expect(reached.size, "forty seeds put \"fault not applied\" on a single scenario").toBeGreaterThan(1);
});

test("GAMEDAY_MUTANTS and GAMEDAY_SEED choose the campaign; anything else is refused by name", () => {
  expect(mutantSelectionFromEnv({})).toEqual({ all: false, seed: 1 });
  expect(mutantSelectionFromEnv({ GAMEDAY_MUTANTS: "all", GAMEDAY_SEED: "42" })).toEqual({ all: true, seed: 42 });
  expect(() => mutantSelectionFromEnv({ GAMEDAY_MUTANTS: "some" })).toThrow(/GAMEDAY_MUTANTS must be "all" or "slice"; got "some"/);
  expect(() => mutantSelectionFromEnv({ GAMEDAY_SEED: "x" })).toThrow(/GAMEDAY_SEED must be an integer; got "x"/);
});
