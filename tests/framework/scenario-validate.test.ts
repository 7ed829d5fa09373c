import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { formatValidation, validateFiles } from "../../helpers/scenario/validate.ts";

const VALID = path.join("tests", "framework", "corpus", "valid");
const MALFORMED = path.join("tests", "framework", "corpus", "malformed");
const options = { env: {} };

test("valid files: one line each and a summary", () => {
  const result = validateFiles([path.join(VALID, "queue-consumer-outage.yaml"), path.join(VALID, "replica-kill.yaml")], options);
  expect(result.failures).toEqual([]);
  expect(formatValidation(result)).toBe(
    [
      `✓ ${path.join(VALID, "queue-consumer-outage.yaml")}  queue-consumer-outage: 1 fault, 6 invariants, 1 journey`,
      `✓ ${path.join(VALID, "replica-kill.yaml")}  replica-kill: 1 fault, 2 invariants, 1 journey`,
      "",
      "2 scenarios valid",
    ].join("\n"),
  );
});

test("a directory stands for its scenario files; every failure is collected with its full problems", () => {
  const bad = path.join(MALFORMED, "key-fault-replica.yaml");
  const result = validateFiles([VALID, bad, "scenarios/no-such-file.yaml"], options);
  expect(result.ok.map((s) => s.scenario.name)).toEqual(["checkout-under-load", "payment-latency", "queue-consumer-outage", "replica-kill"]);
  expect(result.failures.map((f) => f.file)).toEqual([bad, "scenarios/no-such-file.yaml"]);
  expect(result.failures[0]?.message).toContain(`${bad}:16:5  faults[0].replica: unknown key "replica"  [unrecognized_keys]`);
  const text = formatValidation(result);
  expect(text).toContain(`✗ ${bad} is not a valid scenario (2 problems):`);
  expect(text).toContain("fix: did you mean \"replicas\"?");
  expect(text.endsWith("2 of 6 scenarios invalid")).toBe(true);
});

test("two files with the same scenario name: the second one fails", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-validate-"));
  try {
    const copy = path.join(dir, "copy.yaml");
    fs.copyFileSync(path.join(VALID, "replica-kill.yaml"), copy);
    const result = validateFiles([path.join(VALID, "replica-kill.yaml"), copy], options);
    expect(result.ok).toHaveLength(1);
    expect(result.failures[0]?.message).toContain(`${copy}:2:1  name: the name "replica-kill" is already used by ${path.join(VALID, "replica-kill.yaml")}  [duplicate_name]`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the scenarios shipped in scenarios/ are valid", () => {
  const result = validateFiles(["scenarios"], options);
  expect(result.failures.map((f) => f.message)).toEqual([]);
  expect(result.ok.length).toBeGreaterThan(0);
});
