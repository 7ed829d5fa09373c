// The run channel: how the workers of a `gameday run` talk to the CLI process that owns the terminal.
// The CLI starts a loopback HTTP server and names it in GAMEDAY_RUN_CHANNEL; workers (and the
// runner's reporter) POST what happens (phases, samples, fault markers, outcomes) in small batches,
// and at a checkpoint ask for the facilitator's decision, re-asking every few seconds. The reply to
// every batch carries the facilitator's notes and whether the run was aborted. The live page
// (helpers/report/live-page.ts) subscribes to the same events with server-sent events.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { redactSecrets } from "../core/redact.ts";
import type { Marker, TimelineData } from "../timeline/timeline.ts";
import { timelineSvg } from "./timeline-chart.ts";

export const RUN_CHANNEL_ENV = "GAMEDAY_RUN_CHANNEL";
/** Set ("1") when a facilitator is at the terminal: the workers then stop at checkpoints. */
export const FACILITATE_ENV = "GAMEDAY_FACILITATE";

/** Everything a run tells the channel; `at` is epoch milliseconds. */
export type RunEvent =
  | { type: "timeline"; at: number; title: string }
  | { type: "phase"; at: number; name: string }
  | { type: "sample"; at: number; series: string; value: number }
  | { type: "marker"; at: number; kind: Marker["kind"]; label: string }
  | { type: "outcome"; at: number; title: string; ok: boolean; depth: number; durationMs: number; detail?: string }
  | { type: "test"; at: number; title: string; status: string; detail?: string }
  | { type: "checkpoint"; at: number; name: string; state: "waiting" | "continued" | "aborted" }
  | { type: "note"; at: number; text: string }
  | { type: "abort"; at: number; reason: string };

export interface Note {
  at: number;
  text: string;
}

export type Decision = "continue" | "abort";

/** The reply to a batch of events. */
interface BatchReply {
  notes: Note[];
  aborted: boolean;
}

/** A waiting checkpoint is answered "waiting" after this long, and asked again (no HTTP timeout ever bites). */
const CHECKPOINT_POLL_MS = 15_000;
/** How often the live page's chart is redrawn at most. */
const CHART_EVERY_MS = 500;
/** A batch larger than this is refused: a worker never sends that much in a quarter second. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface RunChannelServerOptions {
  /** The live page served at `/`; without it only the workers' endpoints answer. */
  page?: string;
  /** Every event as it arrives (the CLI prints checkpoints and outcomes from these). */
  onEvent?: (event: RunEvent) => void;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`run channel: a request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The CLI side: a loopback server for one run. */
export class RunChannelServer {
  private readonly history: RunEvent[] = [];
  private readonly notes: Note[] = [];
  private readonly streams = new Set<http.ServerResponse>();
  private readonly waiting = new Set<(decision: Decision | "waiting") => void>();
  private chart: TimelineData = { title: "", startedAt: new Date().toISOString(), series: {}, markers: [], phases: [] };
  private chartStart = Date.now();
  private chartDirty = false;
  private readonly chartTimer: NodeJS.Timeout;
  private open: string | undefined;
  private abortedAt: number | undefined;

  private constructor(
    private readonly server: http.Server,
    private readonly options: RunChannelServerOptions,
  ) {
    this.chartTimer = setInterval(() => this.pushChart(), CHART_EVERY_MS).unref();
  }

  static async start(options: RunChannelServerOptions = {}): Promise<RunChannelServer> {
    const server = http.createServer();
    const channel = new RunChannelServer(server, options);
    server.on("request", (req, res) => {
      channel.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(400, { "content-type": "text/plain" });
        res.end(error instanceof Error ? error.message : String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    return channel;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  /** The checkpoint a worker waits at, if any. */
  get checkpoint(): string | undefined {
    return this.open;
  }

  get aborted(): boolean {
    return this.abortedAt !== undefined;
  }

  /** The facilitator's observation: stamped now, sent to the worker's timeline and the live page. */
  note(text: string): Note {
    const note = { at: Date.now(), text };
    this.notes.push(note);
    this.record({ type: "note", ...note });
    return note;
  }

  /** Lets a waiting checkpoint go on. */
  continue(): void {
    for (const answer of [...this.waiting]) answer("continue");
  }

  /** Every checkpoint from now on answers "abort", and every worker hears it in its next reply. */
  abort(reason: string): void {
    if (this.abortedAt !== undefined) return;
    this.abortedAt = Date.now();
    this.record({ type: "abort", at: this.abortedAt, reason });
    for (const answer of [...this.waiting]) answer("abort");
  }

  async close(): Promise<void> {
    clearInterval(this.chartTimer);
    this.pushChart();
    for (const res of this.streams) res.end();
    for (const answer of [...this.waiting]) answer("waiting");
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(event: RunEvent): void {
    if (event.type === "sample") this.addToChart(event);
    else {
      if (event.type === "timeline" || event.type === "phase" || event.type === "marker" || event.type === "note") this.addToChart(event);
      this.history.push(event);
      this.broadcast(event);
    }
    if (event.type === "checkpoint") this.open = event.state === "waiting" ? event.name : undefined;
    this.options.onEvent?.(event);
  }

  private addToChart(event: RunEvent): void {
    const t = event.at - this.chartStart;
    if (event.type === "timeline") {
      this.chartStart = event.at;
      this.chart = { title: event.title, startedAt: new Date(event.at).toISOString(), series: {}, markers: [], phases: [] };
    } else if (event.type === "sample") (this.chart.series[event.series] ??= []).push({ t, v: event.value });
    else if (event.type === "marker") this.chart.markers.push({ t, kind: event.kind, label: event.label });
    else if (event.type === "note") this.chart.markers.push({ t, kind: "note", label: `facilitator: ${event.text}` });
    else if (event.type === "phase") {
      const last = this.chart.phases.at(-1);
      if (last && last.end === undefined) last.end = t;
      this.chart.phases.push({ name: event.name, start: t });
    }
    this.chartDirty = true;
  }

  private chartEvent(): string {
    const latest = Object.fromEntries(Object.entries(this.chart.series).map(([name, points]) => [name, points.at(-1)?.v]));
    const phases = this.chart.phases.map((p) => ({ ...p }));
    const open = phases.at(-1);
    if (open && open.end === undefined) open.end = Date.now() - this.chartStart;
    return JSON.stringify({ type: "chart", svg: timelineSvg({ ...this.chart, phases }), latest });
  }

  private pushChart(): void {
    if (!this.chartDirty || this.streams.size === 0) return;
    this.chartDirty = false;
    const data = this.chartEvent();
    for (const res of this.streams) res.write(`data: ${data}\n\n`);
  }

  private broadcast(event: RunEvent): void {
    for (const res of this.streams) res.write(`data: ${JSON.stringify(event)}\n\n`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = `${req.method ?? "GET"} ${(req.url ?? "/").split("?")[0] ?? "/"}`;
    switch (route) {
      case "GET /":
        if (this.options.page === undefined) break;
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
        res.end(this.options.page);
        return;
      case "GET /stream":
        if (this.options.page === undefined) break;
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
        res.write(": the run channel\n\n"); // sends the headers now: the page knows it is connected before the first event
        for (const event of this.history) res.write(`data: ${JSON.stringify(event)}\n\n`);
        if (Object.keys(this.chart.series).length > 0 || this.chart.markers.length > 0) res.write(`data: ${this.chartEvent()}\n\n`);
        this.streams.add(res);
        req.on("close", () => this.streams.delete(res));
        return;
      case "POST /events": {
        const body = JSON.parse(await readBody(req)) as { events: RunEvent[]; notesSeen: number };
        for (const event of body.events) this.record(event);
        this.reply(res, { notes: this.notes.slice(body.notesSeen), aborted: this.aborted } satisfies BatchReply);
        return;
      }
      case "POST /checkpoint": {
        const { name, first } = JSON.parse(await readBody(req)) as { name: string; first: boolean };
        if (this.aborted) return this.reply(res, { decision: "abort" });
        if (first) this.record({ type: "checkpoint", at: Date.now(), name, state: "waiting" });
        const decision = await new Promise<Decision | "waiting">((resolve) => {
          const answer = (d: Decision | "waiting"): void => {
            if (!this.waiting.delete(answer)) return;
            clearTimeout(timer);
            resolve(d);
          };
          const timer = setTimeout(() => answer("waiting"), CHECKPOINT_POLL_MS);
          this.waiting.add(answer);
          // The worker went away (its test ended): nobody waits here any more.
          res.on("close", () => answer("waiting"));
        });
        if (decision !== "waiting") this.record({ type: "checkpoint", at: Date.now(), name, state: decision === "continue" ? "continued" : "aborted" });
        this.reply(res, { decision });
        return;
      }
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end(`run channel: no ${route}`);
  }

  private reply(res: http.ServerResponse, body: object): void {
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  }
}

/** The worker side: events go out in batches every quarter second; notes and the abort come back. */
export class RunChannelClient {
  private queue: RunEvent[] = [];
  private notesSeen = 0;
  private readonly noteHandlers = new Set<(note: Note) => void>();
  private readonly timer: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();
  private lastError: string | undefined;
  aborted = false;

  constructor(readonly url: string) {
    this.timer = setInterval(() => void this.flush(), 250).unref();
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): RunChannelClient | undefined {
    const url = env[RUN_CHANNEL_ENV];
    return url ? new RunChannelClient(url) : undefined;
  }

  send(event: RunEvent): void {
    this.queue.push(event);
    // A phase change goes at once: the facilitator's abort names the phase the CLI last heard of.
    if (event.type === "phase") void this.flush();
  }

  /** Calls `handler` with every note the facilitator types from now on; returns the unsubscribe. */
  onNote(handler: (note: Note) => void): () => void {
    this.noteHandlers.add(handler);
    return () => this.noteHandlers.delete(handler);
  }

  /** Sends what is queued; a channel that does not answer never fails the run (the live view is a courtesy). */
  flush(): Promise<void> {
    this.sending = this.sending.then(async () => {
      const events = this.queue;
      this.queue = [];
      try {
        const reply = (await this.post("events", { events, notesSeen: this.notesSeen })) as BatchReply;
        this.notesSeen += reply.notes.length;
        for (const note of reply.notes) for (const handler of this.noteHandlers) handler(note);
        if (reply.aborted) this.aborted = true;
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
      }
    });
    return this.sending;
  }

  /** Waits for the facilitator at `name`; "abort" when they abort (now or earlier). */
  async checkpoint(name: string): Promise<Decision> {
    await this.flush();
    for (let first = true; ; first = false) {
      const { decision } = (await this.post("checkpoint", { name, first })) as { decision: Decision | "waiting" };
      if (decision !== "waiting") {
        if (decision === "abort") this.aborted = true;
        return decision;
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Why the last batch did not arrive, if it did not. */
  get problem(): string | undefined {
    return this.lastError;
  }

  private async post(path: string, body: object): Promise<unknown> {
    // Redacted here, in the process that knows its masks: the CLI serves this to every browser that asks.
    const res = await fetch(new URL(path, this.url), { method: "POST", headers: { "content-type": "application/json" }, body: redactSecrets(JSON.stringify(body)) });
    if (!res.ok) throw new Error(`run channel ${this.url}${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  }
}
