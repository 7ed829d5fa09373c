import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { Ledger, LedgerTampered } from "../../helpers/ledger/ledger.ts";

const record = (title: string) => ({ runId: "run-1", platform: "local", fault: "scale", title, original: { deployment: "queue-master", replicas: 1 } });

function ledgerWith(file: string): Ledger {
  const ledger = new Ledger(file);
  const a = ledger.recordInjection(record("a"));
  ledger.recordInjection(record("b"));
  ledger.recordRevert(a, record("a"));
  return ledger;
}

test("injections without a revert are outstanding", ({}, testInfo) => {
  const ledger = ledgerWith(testInfo.outputPath("ledger.jsonl"));
  expect(ledger.entries().map((e) => `${e.event} ${e.title}`)).toEqual(["inject a", "inject b", "revert a"]);
  expect(ledger.outstanding().map((e) => e.title)).toEqual(["b"]);
});

test("an edited line is detected and named", ({}, testInfo) => {
  const ledger = ledgerWith(testInfo.outputPath("ledger.jsonl"));
  const lines = fs.readFileSync(ledger.file, "utf8").split("\n");
  lines[1] = (lines[1] ?? "").replace('"replicas":1', '"replicas":3');
  fs.writeFileSync(ledger.file, lines.join("\n"));
  expect(() => ledger.entries()).toThrow(LedgerTampered);
  expect(() => ledger.entries()).toThrow(`ledger ${ledger.file}:2 was modified after it was written (hash mismatch)`);
});

test("a removed line is detected", ({}, testInfo) => {
  const ledger = ledgerWith(testInfo.outputPath("ledger.jsonl"));
  const lines = fs.readFileSync(ledger.file, "utf8").split("\n");
  lines.splice(1, 1); // drop "inject b": b would no longer look outstanding
  fs.writeFileSync(ledger.file, lines.join("\n"));
  expect(() => ledger.outstanding()).toThrow(`ledger ${ledger.file}:2 does not follow the line before it (a line was removed, inserted or reordered)`);
});

test("parallel writers keep one valid chain", async ({}, testInfo) => {
  const file = testInfo.outputPath("ledger.jsonl");
  const { spawn } = await import("node:child_process");
  const script = `import { Ledger } from ${JSON.stringify(`${process.cwd()}/helpers/ledger/ledger.ts`)};
    const l = new Ledger(${JSON.stringify(file)});
    for (let i = 0; i < 25; i++) l.recordInjection({ runId: "p" + process.pid, platform: "local", fault: "scale", title: "t" + i, original: {} });`;
  await Promise.all(
    [1, 2, 3].map(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: "inherit" });
          child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
        }),
    ),
  );
  expect(new Ledger(file).entries()).toHaveLength(75);
});
