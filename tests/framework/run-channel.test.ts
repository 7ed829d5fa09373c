// The run channel on its own, over real loopback HTTP: events in batches, notes back to the worker,
// a checkpoint that waits for the facilitator (continue, abort), the page's event stream; and how a
// facilitated run's predictions are scored against what happened.
import { expect, test } from "@playwright/test";
import { RunChannelClient, RunChannelServer, type RunEvent } from "../../helpers/report/run-channel.ts";
import { predictionCameTrue, withFacilitation } from "../../helpers/report/facilitation.ts";
import type { ScenarioOutcome } from "../../helpers/report/game-day.ts";
import { parseCommandLine } from "../../bin/options.ts";
import { SESSION_OPTIONS } from "../../bin/commands/run-session.ts";

test("a worker's events arrive in order, and the facilitator's notes come back in the reply", async () => {
  const heard: RunEvent[] = [];
  const server = await RunChannelServer.start({ onEvent: (e) => heard.push(e) });
  const client = new RunChannelClient(server.url);
  try {
    const notes: string[] = [];
    client.onNote((n) => notes.push(n.text));
    client.send({ type: "phase", at: 1, name: "preflight" });
    client.send({ type: "sample", at: 2, series: "queue q depth", value: 3 });
    await client.flush();
    expect(heard.map((e) => e.type)).toEqual(["phase", "sample"]);
    server.note("orders still succeed");
    await client.flush();
    await client.flush(); // a note is delivered once
    expect(notes).toEqual(["orders still succeed"]);
    expect(client.problem).toBeUndefined();
  } finally {
    await client.close();
    await server.close();
  }
});

test("a checkpoint waits until the facilitator continues, and answers abort once they abort", async () => {
  const server = await RunChannelServer.start();
  const client = new RunChannelClient(server.url);
  try {
    let decided: string | undefined;
    const waiting = client.checkpoint("before inject").then((d) => (decided = d));
    await expect.poll(() => server.checkpoint).toBe("before inject");
    await new Promise((r) => setTimeout(r, 200));
    expect(decided, "still waiting: nobody pressed Enter").toBeUndefined();
    server.continue();
    await waiting;
    expect(decided).toBe("continue");
    expect(server.checkpoint).toBeUndefined();
    const second = client.checkpoint("before revert");
    await expect.poll(() => server.checkpoint).toBe("before revert");
    server.abort("by the facilitator");
    expect(await second).toBe("abort");
    expect(await client.checkpoint("later"), "after an abort every checkpoint aborts").toBe("abort");
    await client.flush();
    expect(client.aborted).toBe(true);
  } finally {
    await client.close();
    await server.close();
  }
});

test("the live page's stream replays what happened, then follows; without --live there is no page", async () => {
  const live = await RunChannelServer.start({ page: "<!doctype html><title>live</title>" });
  const bare = await RunChannelServer.start();
  const client = new RunChannelClient(live.url);
  try {
    client.send({ type: "marker", at: 5, kind: "inject", label: "scale deployment queue-master to 0" });
    await client.flush();
    expect(await (await fetch(live.url)).text()).toContain("<title>live</title>");
    expect((await fetch(bare.url)).status).toBe(404);
    const controller = new AbortController();
    const res = await fetch(new URL("stream", live.url), { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before "${needle}"; got ${text}`);
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil('"kind":"inject"');
    live.note("the alert fired");
    await readUntil('"text":"the alert fired"');
    controller.abort();
  } finally {
    await client.close();
    await live.close();
    await bare.close();
  }
});

test("a prediction is right when it matches the outcome; unsure and unjudged ones are not scored; an abort is a finding", () => {
  expect(predictionCameTrue("holds", "held")).toBe(true);
  expect(predictionCameTrue("fails", "held")).toBe(false);
  expect(predictionCameTrue("fails", "violated")).toBe(true);
  expect(predictionCameTrue("unsure", "held")).toBeUndefined();
  expect(predictionCameTrue("holds", "not reached")).toBeUndefined();
  const row = { section: "after", line: 1, expected: "", observed: "", evidence: "", durationMs: undefined } as const;
  const outcome = {
    name: "s",
    file: "s.yaml",
    verdict: "passed",
    standing: "resilient",
    rows: [
      { ...row, path: "after[0]", outcome: "held" },
      { ...row, path: "after[1]", outcome: "violated" },
      { ...row, path: "after[2]", outcome: "not reached" },
      { ...row, path: "after[3]", outcome: "held" },
    ],
  } as unknown as ScenarioOutcome;
  const predictions = { "after[0]": "holds", "after[1]": "holds", "after[2]": "fails", "after[3]": "unsure" } as const;
  const scored = withFacilitation(outcome, { scenario: "s.yaml", predictions, notes: [] });
  expect(scored.facilitated?.predictions).toEqual({ right: 1, wrong: 1, unscored: 2 });
  expect(scored.rows.map((r) => r.predicted)).toEqual(["holds", "holds", "fails", "unsure"]);
  expect(scored.verdict).toBe("passed");
  const aborted = withFacilitation(outcome, { scenario: "s.yaml", predictions: {}, notes: [], aborted: { at: "2026-01-01T00:00:00Z", during: "the during phase" } });
  expect([aborted.verdict, aborted.standing, aborted.message]).toEqual(["finding", "finding", "aborted by the facilitator during the during phase; every fault was reverted"]);
});

test("--live and --facilitate are switches: a value given to one is refused", () => {
  const line = { command: "run", options: SESSION_OPTIONS, positionals: "none" } as const;
  expect(parseCommandLine(line, ["--live", "--facilitate"]).values).toEqual({ live: true, facilitate: true });
  expect(() => parseCommandLine(line, ["--live=yes"])).toThrow(/--live takes no value, got "yes"/);
});
