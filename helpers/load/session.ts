// One virtual user's HTTP session for one iteration, on undici: its own cookie jar, each request
// timed and recorded. The first request of an iteration is timed from the iteration's intended
// start, so waiting for a late start counts as latency (no coordinated omission); the rest from
// when they were sent. A request that gets no answer (timeout, refused) is a failed request whose
// duration is how long it was waited for, never left out.
import { request, type Dispatcher } from "undici";
import type { LoadRequest, LoadResponse, LoadSession } from "../target/load-flow.ts";

export const now = (): number => performance.timeOrigin + performance.now();

export interface RequestRecord {
  /** When the request counts from (ms since epoch). */
  at: number;
  ms: number;
  failed: boolean;
}

export interface SessionOptions {
  baseUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  vu: number;
  iteration: number;
  runId: string;
  /** The intended start of the iteration: the first request is timed from it. */
  intendedStart: number;
  record(request: RequestRecord): void;
  check(ok: boolean): void;
}

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(setCookie: string | string[] | undefined): void {
    for (const line of setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const pair = line.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string | undefined {
    return this.cookies.size === 0 ? undefined : [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  }
}

export class HttpSession implements LoadSession {
  readonly vu: number;
  readonly iteration: number;
  readonly runId: string;
  private readonly jar = new CookieJar();
  private first = true;

  constructor(private readonly options: SessionOptions) {
    this.vu = options.vu;
    this.iteration = options.iteration;
    this.runId = options.runId;
  }

  async request(method: string, path: string, init: LoadRequest = {}): Promise<LoadResponse> {
    const origin = this.first ? this.options.intendedStart : now();
    this.first = false;
    const headers: Record<string, string> = { ...init.headers };
    const cookie = this.jar.header();
    if (cookie !== undefined) headers.cookie = cookie;
    let body: string | undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers["content-type"] = "application/json";
    }
    let response: LoadResponse;
    try {
      const answer = await request(new URL(path, this.options.baseUrl), {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        dispatcher: this.options.dispatcher,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await answer.body.text();
      this.jar.take(answer.headers["set-cookie"]);
      response = { status: answer.statusCode, headers: answer.headers, body: text, ok: answer.statusCode < 400 };
    } catch (error) {
      const e = error as Error & { code?: string; cause?: { code?: string } };
      const reason = e.name === "TimeoutError" || e.name === "AbortError" ? `no answer within ${this.options.timeoutMs} ms` : (e.code ?? e.cause?.code ?? e.message);
      response = { status: 0, headers: {}, body: "", ok: false, error: reason };
    }
    this.options.record({ at: origin, ms: now() - origin, failed: !response.ok });
    return response;
  }

  check(_name: string, ok: boolean): boolean {
    this.options.check(ok);
    return ok;
  }
}
