// Sessions as upstream's express-session configures them: cookie md.sid, signed "s:<id>.<hmac>",
// saveUninitialized, an in-memory store. The logged_in cookie carries the raw session id, as upstream.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Reply } from "./http.ts";

const SESSION_COOKIE = "md.sid";
export const LOGGED_IN_COOKIE = "logged_in";
const SESSION_SECRET = "sooper secret";
const LOGGED_IN_MAX_AGE_S = 3600;
// Upstream's MemoryStore never forgets; API clients without a cookie jar create a session per
// request, so idle sessions are dropped after a day to keep a long game day's memory flat.
const SESSION_IDLE_MS = 24 * 3600 * 1000;

export interface Session {
  readonly id: string;
  customerId?: string;
  lastSeen: number;
}

function signature(id: string): string {
  return createHmac("sha256", SESSION_SECRET).update(id).digest("base64").replace(/=+$/, "");
}

/** The session id inside a signed cookie value, or undefined when it is malformed or forged. */
function unsign(value: string): string | undefined {
  if (!value.startsWith("s:")) return undefined;
  const dot = value.lastIndexOf(".");
  if (dot < 2) return undefined;
  const id = value.slice(2, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, "$1");
    let value = raw;
    try {
      value = decodeURIComponent(raw);
    } catch {
      // keep the raw value, as the cookie package does
    }
    if (name !== "" && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** The in-memory session store; idle sessions are swept every minute. */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor() {
    setInterval(() => {
      const cutoff = Date.now() - SESSION_IDLE_MS;
      for (const [id, session] of this.sessions) if (session.lastSeen < cutoff) this.sessions.delete(id);
    }, 60_000).unref();
  }

  /** The session md.sid names, or a new one (`created`: the reply must set md.sid). */
  resolve(cookies: Map<string, string>): { session: Session; created: boolean } {
    const signed = cookies.get(SESSION_COOKIE);
    const id = signed === undefined ? undefined : unsign(signed);
    const known = id === undefined ? undefined : this.sessions.get(id);
    if (known) {
      known.lastSeen = Date.now();
      return { session: known, created: false };
    }
    // Unknown or forged cookie (e.g. after a restart): a fresh session, like express-session.
    const session: Session = { id: randomBytes(24).toString("base64url"), lastSeen: Date.now() };
    this.sessions.set(session.id, session);
    return { session, created: true };
  }
}

export const sessionCookie = (id: string): string =>
  `${SESSION_COOKIE}=${encodeURIComponent(`s:${id}.${signature(id)}`)}; Path=/; HttpOnly`;

export const loggedInCookie = (id: string): string =>
  `${LOGGED_IN_COOKIE}=${encodeURIComponent(id)}; Max-Age=${LOGGED_IN_MAX_AGE_S}; Path=/; ` +
  `Expires=${new Date(Date.now() + LOGGED_IN_MAX_AGE_S * 1000).toUTCString()}`;

/** The reply with one more Set-Cookie, after any it already has. */
export function withSetCookie(reply: Reply, cookie: string): Reply {
  const existing = reply.headers?.["set-cookie"];
  const cookies = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  return { ...reply, headers: { ...reply.headers, "set-cookie": [...cookies, cookie] } };
}
