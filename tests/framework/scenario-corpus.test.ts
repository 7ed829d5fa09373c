// The hostile corpus: one small, realistic mistake per file under corpus/malformed/. Each file starts
// with `# expect: <text>` (a substring of one problem: its path, message, code or fix) and may add
// `# at: <line>:<col>` (where that problem must point). Every file must be rejected with located,
// plain problems — never another error, never a stack trace.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { loadScenario, ScenarioProblems, type Problem } from "../../helpers/scenario/loader.ts";

const CORPUS = path.join("tests", "framework", "corpus");
const yamlFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => path.join(dir, f));

const malformed = yamlFiles(path.join(CORPUS, "malformed"));
const valid = yamlFiles(path.join(CORPUS, "valid"));
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// No environment: a variable's value must not depend on the machine running the tests.
const options = { env: {} };

// Pure logic: no browser, so no trace or screenshot to record around each of the ~180 tests.
test.use({ trace: "off", screenshot: "off", video: "off" });

const describeProblem = (p: Problem): string => `${p.path}: ${p.message}  [${p.code}]\n${p.fix ?? ""}`;

test("the malformed corpus is large enough and every file says what it expects", () => {
  expect(malformed.length).toBeGreaterThanOrEqual(110);
  for (const file of malformed) expect(fs.readFileSync(file, "utf8"), file).toMatch(/^# expect: \S/);
});

test.describe("malformed scenarios", () => {
  for (const file of malformed) {
    test(path.basename(file, ".yaml"), () => {
      const text = fs.readFileSync(file, "utf8");
      const expected = (/^# expect: (.+)$/m.exec(text)?.[1] ?? "").trim();
      const at = /^# at: (\d+:\d+)\s*$/m.exec(text)?.[1];

      let error: unknown;
      try {
        loadScenario(file, options);
      } catch (e) {
        error = e;
      }
      expect(error, "the scenario must be rejected").toBeDefined();
      expect(error, String(error)).toBeInstanceOf(ScenarioProblems);
      const { message, problems } = error as ScenarioProblems;

      expect(message).toMatch(new RegExp(`^${escape(file)}:\\d+:\\d+  `, "m"));
      expect(message, "no stack trace in the message").not.toMatch(/^\s+at .*(:\d+:\d+\)?|native)$/m);
      expect(message).not.toContain("node_modules");
      expect(message).toContain(expected);

      const lines = text.split("\n").length;
      for (const p of problems) {
        expect(p.file).toBe(file);
        expect(p.line, describeProblem(p)).toBeGreaterThanOrEqual(1);
        expect(p.line, describeProblem(p)).toBeLessThanOrEqual(lines);
        expect(p.col, describeProblem(p)).toBeGreaterThanOrEqual(1);
      }
      const matching = problems.filter((p) => describeProblem(p).includes(expected));
      expect(matching.length, `a problem mentions ${JSON.stringify(expected)}`).toBeGreaterThan(0);
      if (at !== undefined) expect(matching.map((p) => `${p.line}:${p.col}`)).toContain(at);
    });
  }
});

test.describe("valid scenarios", () => {
  test("the valid corpus has scenarios", () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
  });
  for (const file of valid) {
    test(path.basename(file, ".yaml"), () => {
      const loaded = loadScenario(file, options);
      expect(loaded.scenario.faults.length).toBeGreaterThan(0);
      expect(loaded.scenario["steady-state"].length).toBeGreaterThan(0);
    });
  }
});
