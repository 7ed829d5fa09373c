// The pure parts of keeping secrets: the forms a secret takes in text, redacting text and bytes,
// masks sealed between the processes of one run, and a trace rewritten entry by entry.
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { ensureMaskKey, MASK_KEY_ENV, maskedValues, maskSecret, redactBytes, redactSecrets, sealMasks, secretForms, unsealMasks } from "../../helpers/core/redact.ts";
import { readZip, writeZip } from "../../helpers/core/zip.ts";
import { redactFile } from "../../helpers/report/redaction-reporter.ts";

const unique = (): string => `s3cr3t-${crypto.randomBytes(5).toString("hex")}`;

test("a secret is found as written, JSON-escaped, URL-encoded and inside a Basic auth header, whatever precedes it", () => {
  const secret = `${unique()}"/&`;
  maskSecret(secret);
  for (const user of ["a", "ab", "abc"]) {
    const header = `Authorization: Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
    expect(redactSecrets(header), `user "${user}" shifts the base64 alignment`).not.toMatch(Buffer.from(`${user}:${secret}`).toString("base64"));
    expect(redactSecrets(header)).toContain("***");
  }
  expect(redactSecrets(JSON.stringify({ path: `/x/${secret}` }))).toBe(JSON.stringify({ path: "/x/***" }));
  expect(redactSecrets(`GET /x?token=${encodeURIComponent(secret)}`)).toBe("GET /x?token=***");
  expect(secretForms(secret).every((form) => form.length >= 3)).toBe(true);
});

test("short values are not masked (they would garble every text), and text without a secret is unchanged", () => {
  maskSecret("ab");
  expect(maskedValues()).not.toContain("ab");
  expect(redactSecrets("tab ab about")).toBe("tab ab about");
  expect(redactBytes(Buffer.from("nothing to hide"))).toBeUndefined();
});

test("bytes: every occurrence replaced, the rest kept byte for byte", () => {
  const secret = unique();
  maskSecret(secret);
  const before = Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`${secret}|${secret}`), Buffer.from([255])]);
  expect(redactBytes(before)).toEqual(Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from("***|***"), Buffer.from([255])]));
});

test("masks sealed by one process of a run are read by another with the run's key, and by nothing else", () => {
  const secret = unique();
  const saved = process.env[MASK_KEY_ENV];
  try {
    delete process.env[MASK_KEY_ENV];
    ensureMaskKey();
    maskSecret(secret);
    const sealed = sealMasks();
    expect(sealed).toBeDefined();
    expect(Buffer.from(sealed ?? "", "base64").toString("latin1")).not.toContain(secret);
    // Another process of the run (the key inherited) learns the mask and redacts with it.
    const script = `import { unsealMasks, redactSecrets } from "./helpers/core/redact.ts"; unsealMasks(process.argv[1]); process.stdout.write(redactSecrets("token=" + process.argv[2]));`;
    const other = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, sealed ?? "", secret], { encoding: "utf8", env: { ...process.env } });
    expect(other).toBe("token=***");
    // Another run's key reads nothing (and says nothing).
    process.env[MASK_KEY_ENV] = crypto.randomBytes(32).toString("hex");
    expect(() => unsealMasks(sealed ?? "")).not.toThrow();
    unsealMasks("garbage");
  } finally {
    if (saved === undefined) delete process.env[MASK_KEY_ENV];
    else process.env[MASK_KEY_ENV] = saved;
  }
});

test("a trace is rewritten entry by entry: secrets gone, every other entry intact, still a readable zip", ({}, testInfo) => {
  const secret = unique();
  maskSecret(secret);
  const image = crypto.randomBytes(2_000);
  const entries = [
    { name: "trace.trace", data: Buffer.from(`{"type":"action","params":{"value":"${secret}"}}\n`) },
    { name: "trace.network", data: Buffer.from(`{"headers":[{"name":"authorization","value":"Basic ${Buffer.from(`user:${secret}`).toString("base64")}"}]}`) },
    { name: "resources/page@1.jpeg", data: image },
  ];
  const file = testInfo.outputPath("trace.zip");
  fs.writeFileSync(file, writeZip(entries));
  expect(readZip(fs.readFileSync(file))).toEqual(entries);
  redactFile(file);
  const after = readZip(fs.readFileSync(file));
  expect(after.map((e) => e.name)).toEqual(entries.map((e) => e.name));
  expect(after[0]?.data.toString()).toBe('{"type":"action","params":{"value":"***"}}\n');
  expect(after[1]?.data.toString()).not.toContain(Buffer.from(`user:${secret}`).toString("base64"));
  expect(after[2]?.data).toEqual(image);
});
