// Secrets never leave the run: a real game day, as a user runs it (`gameday run --live`), with secrets
// planted everywhere a user puts them: a scenario variable marked secret (in an http probe's path, so
// it reaches step titles, the failure, the timeline), the shop account's password (typed in a login
// form and sent in a Basic auth header, so it reaches the Playwright trace), the broker URL's password,
// and on Kubernetes the control plane's token. The game day fails on purpose (traces are kept on
// failure). Then every file the run wrote (reports, Allure results, JUnit, verdict, summary, history,
// traces entry by entry, error context, ledger, logs), the terminal output and the live page are
// searched for each secret in every form it can take: none may appear.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type TestInfo } from "@playwright/test";
import { secretForms } from "../../helpers/core/redact.ts";
import { isZip, readZip } from "../../helpers/core/zip.ts";
import { cleanUp, embeddedKubeconfig, expectNothingLeft, gameday, type Command } from "./support/terminal.ts";

const planted = (what: string): string => `gdplant-${what}-${crypto.randomBytes(6).toString("hex")}`;

/** The scenario a user would write: the token guards a page; the page does not exist, so the game day fails. */
function scenarioFile(testInfo: TestInfo, platform: "local" | "kubernetes"): string {
  const file = testInfo.outputPath(`secrets-stay-secret-${platform}.yaml`);
  fs.writeFileSync(
    file,
    `name: secrets-stay-secret-${platform}
description: a secret token in a probe's path, a secret password for the shop's account; the guarded page is missing
target: sock-shop
variables:
  token: { env: GAMEDAY_PLANTED_TOKEN, secret: true }
steady-state:
  - mode: eventually
    probe: { kind: queue, name: shipping-task }
    expect: { consumers: 1 }
    within: 30s
faults:
  - kind: scale
    deployment: queue-master
    replicas: 0
proof:
  - mode: eventually
    probe: { kind: queue, name: shipping-task }
    expect: { consumers: 0 }
    within: 10s
during:
  journeys:
    - journey: checkout
      count: 1
  invariants:
    - mode: always
      description: the guarded page answers
      probe: { kind: http, service: front-end, path: "/private/\${token}" }
      expect: { status: 200 }
report:
  timeline:
    - { kind: http, service: front-end, path: "/private/\${token}" }
`,
  );
  return file;
}

interface Scan {
  files: number;
  zipEntries: number;
  bytes: number;
  traces: number;
  hits: string[];
}

/** Every form of every secret, in every file under the roots (zip archives entry by entry) and in the texts. */
function scan(roots: readonly string[], texts: Record<string, string>, secrets: Record<string, string>, skip: RegExp): Scan {
  const needles = Object.entries(secrets).flatMap(([name, value]) => secretForms(value).map((form) => ({ name, form: Buffer.from(form) })));
  const result: Scan = { files: 0, zipEntries: 0, bytes: 0, traces: 0, hits: [] };
  const search = (where: string, bytes: Buffer): void => {
    result.bytes += bytes.length;
    for (const { name, form } of needles) if (bytes.includes(form)) result.hits.push(`${where}: the ${name} ("${form.toString()}")`);
  };
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (skip.test(file)) continue;
      if (entry.isDirectory()) walk(file);
      if (!entry.isFile()) continue;
      const bytes = fs.readFileSync(file);
      result.files++;
      if (isZip(bytes)) {
        if (entry.name.startsWith("trace") || bytes.includes(Buffer.from("trace.trace"))) result.traces++;
        for (const zipped of readZip(bytes)) {
          result.zipEntries++;
          search(`${file} › ${zipped.name}`, zipped.data);
        }
      } else search(file, bytes);
    }
  };
  for (const root of roots) if (fs.existsSync(root)) walk(root);
  for (const [name, text] of Object.entries(texts)) search(name, Buffer.from(text));
  return result;
}

/** Reads the live page and its event stream while the run lasts (the stream ends with the run). */
function watchLivePage(run: Command): { texts: () => Record<string, string>; done: Promise<void> } {
  let page = "";
  let stream = "";
  const done = (async () => {
    let url: string | undefined;
    while (!url && run.child.exitCode === null) {
      url = /live view at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(run.output())?.[1];
      await new Promise((r) => setTimeout(r, 200));
    }
    if (!url) return;
    page = await (await fetch(url)).text();
    const response = await fetch(new URL("stream", url));
    const reader = response.body?.getReader();
    if (!reader) return;
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done: ended, value } = await reader.read();
        if (ended) break;
        stream += decoder.decode(value, { stream: true });
      }
    } catch {
      // the server closed the stream at the end of the run
    }
  })();
  return { texts: () => ({ "the live page": page, "the live page's event stream": stream }), done };
}

async function runAndScan(testInfo: TestInfo, platform: "local" | "kubernetes"): Promise<void> {
  const stateDir = testInfo.outputPath("state");
  const reportsDir = testInfo.outputPath("reports");
  const secrets: Record<string, string> = {
    "secret scenario variable": planted("token"),
    "shop account's password": planted("password"),
    "broker URL's password": planted("broker"),
  };
  let run: Command | undefined;
  try {
    // The broker URL names no broker that answers: the run says so (the URL printed without its password) and starts its own.
    run = gameday(["run", "--live", "--platform", platform, scenarioFile(testInfo, platform)], stateDir, testInfo, {
      GAMEDAY_PLANTED_TOKEN: secrets["secret scenario variable"],
      SOCK_SHOP_PASSWORD: secrets["shop account's password"],
      RABBITMQ_URL: `amqp://gameday-planted:${secrets["broker URL's password"]}@127.0.0.1:1/`,
    });
    const live = watchLivePage(run);
    let token: string | undefined;
    if (platform === "kubernetes") {
      // The embedded control plane's token exists only during the run: read it from its kubeconfig (a credential store, not scanned).
      await expect
        .poll(
          () => {
            const config = embeddedKubeconfig(stateDir);
            token = config ? /token: (\S+)/.exec(fs.readFileSync(config, "utf8"))?.[1] : undefined;
            return token ?? (run?.child.exitCode !== null ? "exited" : undefined);
          },
          { timeout: 180_000, message: "the embedded control plane wrote its kubeconfig" },
        )
        .toMatch(/^[0-9a-f]{48}$/);
      if (token) secrets["control plane's token"] = token;
    }
    const code = await run.exit;
    await live.done;
    const output = run.output();
    await testInfo.attach("terminal output", { body: output, contentType: "text/plain" });

    // The game day really used every secret, and failed where it was meant to.
    expect(code, output).toBe(1);
    expect(output, "the broker URL was printed without its password").toContain("RABBITMQ_URL amqp://gameday-planted:***@127.0.0.1:1/ is not reachable");
    expect(output, "the failure names the probe, its secret redacted").toContain("front-end/private/***");
    const junit = fs.readFileSync(path.join(reportsDir, "junit", "results.xml"), "utf8");
    expect(junit, "the journey logged in with the planted password and ran").toMatch(/order [0-9a-f]+ placed/);

    const found = scan(
      [reportsDir, stateDir],
      { "the terminal output": output, ...live.texts() },
      secrets,
      // The control plane's credential files are where its token lives, not something the run reports.
      /control-plane\/(kubeconfig|auth)|\/pods\/[^/]+\/serviceaccount/,
    );
    const figures = `${found.files} files (${found.zipEntries} zip entries, ${found.traces} traces), ${(found.bytes / 1e6).toFixed(1)} MB, terminal output and live page: ${found.hits.length} occurrences of ${Object.keys(secrets).length} secrets`;
    console.log(`secret scan (${platform}): ${figures}`);
    await testInfo.attach("secret scan", { body: [figures, ...found.hits].join("\n"), contentType: "text/plain" });
    expect(found.traces, "a Playwright trace was kept (the game day failed) and searched").toBeGreaterThan(0);
    expect(live.texts()["the live page's event stream"], "the live page's stream was read").toContain("data:");
    expect(found.hits, figures).toEqual([]);
    await expectNothingLeft(stateDir);
  } finally {
    await cleanUp(run, stateDir, testInfo);
  }
}

test.describe("secrets never reach a report, a log or a trace", () => {
  test("a failed game day on the local platform: every file it wrote, its output and its live page hold none of the planted secrets", async ({}, testInfo) => {
    test.setTimeout(300_000);
    await runAndScan(testInfo, "local");
  });

  test("the same on Kubernetes: neither does the embedded control plane's token appear", { tag: "@long" }, async ({}, testInfo) => {
    test.setTimeout(400_000);
    await runAndScan(testInfo, "kubernetes");
  });
});
