// A tiny HTTP toolkit for the lite services: routing, JSON bodies, upstream calls with timeouts.
import http from "node:http";

export type Params = Record<string, string>;
export interface Request {
  readonly raw: http.IncomingMessage;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Params;
  readonly headers: http.IncomingHttpHeaders;
  body(): Promise<unknown>;
}
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Raw body (already serialised); takes precedence over `body`. */
  raw?: Buffer | string;
}
export type Handler = (req: Request) => Promise<Reply | undefined> | Reply | undefined;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    // ":name" matches one segment; a trailing "*" matches the rest of the path.
    const source = path
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) {
          names.push(segment.slice(1));
          return "([^/]+)";
        }
        if (segment === "*") {
          names.push("rest");
          return "(.*)";
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  get(path: string, handler: Handler): this {
    return this.on("GET", path, handler);
  }
  post(path: string, handler: Handler): this {
    return this.on("POST", path, handler);
  }
  patch(path: string, handler: Handler): this {
    return this.on("PATCH", path, handler);
  }
  delete(path: string, handler: Handler): this {
    return this.on("DELETE", path, handler);
  }

  match(method: string, path: string): { handler: Handler; params: Params } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Params = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      return { handler: route.handler, params };
    }
    return undefined;
  }
}

async function readBody(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}

export function send(res: http.ServerResponse, reply: Reply): void {
  const headers: Record<string, string | string[]> = { ...reply.headers };
  let payload: Buffer | string | undefined = reply.raw;
  if (payload === undefined && reply.body !== undefined) {
    payload = JSON.stringify(reply.body);
    headers["content-type"] ??= "application/json";
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

export type Fallback = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** Serves a router; unmatched requests go to `fallback` (static files) or get 404. */
export function createServer(router: Router, fallback?: Fallback): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    const found = router.match(method, url.pathname);
    if (!found) {
      if (fallback) {
        Promise.resolve(fallback(req, res)).catch((error: unknown) => fail(res, error));
        return;
      }
      send(res, { status: 404, body: { error: "Not Found", status: 404, path: url.pathname } });
      return;
    }
    let cached: Promise<unknown> | undefined;
    const request: Request = {
      raw: req,
      method,
      path: url.pathname,
      query: url.searchParams,
      params: found.params,
      headers: req.headers,
      body: () => (cached ??= readBody(req)),
    };
    Promise.resolve()
      .then(() => found.handler(request))
      .then((reply) => send(res, reply ?? { status: 204 }))
      .catch((error: unknown) => fail(res, error));
  });
}

function fail(res: http.ServerResponse, error: unknown): void {
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  if (status >= 500) console.error(`error: ${message}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  send(res, { status, body: { error: http.STATUS_CODES[status] ?? "Error", status, message } });
}

export interface CallResult<T> {
  status: number;
  body: T;
}

/** Calls another service with a deadline, like the upstream services' 5 s HTTP client timeout. */
export async function call<T = unknown>(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...init.headers };
  let body: string | undefined;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(url, {
    method: init.method ?? "GET",
    headers,
    body: body ?? null,
    signal: AbortSignal.timeout(init.timeoutMs ?? 5_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  if (text !== "") {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T };
}
