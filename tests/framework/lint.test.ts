// The linter guards the folder boundaries and the promise rules: a planted violation must fail it,
// and the boundaries it enforces must be the ones docs/architecture.md states.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ESLint } from "eslint";
import { MAY_IMPORT } from "../../tools/lint/boundaries.mjs";

test("docs/architecture.md's \"may import\" column is the table the boundary rule enforces", () => {
  const doc = fs.readFileSync("docs/architecture.md", "utf8");
  const documented = new Map<string, string[]>();
  for (const line of doc.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const room = /^`([a-z0-9/-]+)\/`$/.exec(cells[1] ?? "")?.[1];
    if (room === undefined || !(room in MAY_IMPORT)) continue;
    const list = cells[3] ?? "";
    documented.set(room, list === "—" ? [] : [...list.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? "").replace(/\/$/, "")));
  }
  const enforced = Object.fromEntries(Object.entries(MAY_IMPORT).map(([room, list]) => [room, [...list].sort()]));
  expect(Object.fromEntries([...documented].map(([room, list]) => [room, list.sort()]))).toEqual(enforced);
});

test("a planted boundary crossing and a floating promise fail the lint, naming the rule and the way out", async () => {
  test.setTimeout(120_000);
  const planted = path.resolve("helpers/core", `planted-violation-${process.pid}.ts`);
  fs.writeFileSync(
    planted,
    [
      'import { test } from "@playwright/test";',
      'import { Ledger } from "../ledger/ledger.ts";',
      "async function revert(): Promise<void> {}",
      "export function teardown(): void {",
      "  revert();",
      "}",
      "export const used = [test, Ledger];",
      "",
    ].join("\n"),
  );
  try {
    const [result] = await new ESLint().lintFiles([planted]);
    const messages = (result?.messages ?? []).map((m) => `${m.ruleId ?? ""}: ${m.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gameday\/boundaries: helpers\/core may not import @playwright\/test/),
        expect.stringMatching(/^gameday\/boundaries: helpers\/core may not import helpers\/ledger \(\.\.\/ledger\/ledger\.ts\)/),
        expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /),
      ]),
    );
  } finally {
    fs.rmSync(planted, { force: true });
  }
});
