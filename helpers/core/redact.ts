// Secrets never reach a report, a log or a trace. Whoever learns a secret value masks it (as GitHub
// Actions' add-mask does): a scenario's `secret: true` variable, a broker URL's password, a kubeconfig's
// token, a journey account's password. Everything that produces text redacts with the process's masks;
// workers pass theirs to the runner sealed (the run's key is in the environment, never on disk).
import crypto from "node:crypto";
import fs from "node:fs";
import { parse } from "yaml";

export const REDACTED = "***";
/** Shorter values would garble any text (and are no secret worth the name). */
const MIN_LENGTH = 3;
/** The annotation a worker sends its masks in; the redaction reporter removes it before anyone reads it. */
export const MASKS_ANNOTATION = "gameday-masks";
/** The run's key for sealing masks between processes: set once by the first process, inherited by the rest. */
export const MASK_KEY_ENV = "GAMEDAY_MASK_KEY";

interface Registry {
  values: Set<string>;
  /** Every form a value can take in text, longest first; rebuilt when a value is added. */
  forms: string[] | undefined;
}

// One registry per process, whatever module instance asks (Playwright loads config, tests and reporters apart).
const registry: Registry = ((globalThis as Record<symbol, unknown>)[Symbol.for("gameday.masks")] ??= { values: new Set<string>(), forms: undefined }) as Registry;

/** Declares a value secret for the rest of this process: every later redaction hides it. */
export function maskSecret(value: string | undefined | null): void {
  if (typeof value !== "string" || value.length < MIN_LENGTH || registry.values.has(value)) return;
  registry.values.add(value);
  registry.forms = undefined;
}

/** The values masked in this process. */
export function maskedValues(): string[] {
  return [...registry.values];
}

/**
 * The forms a secret takes in text: as written, JSON-escaped, URL-encoded, HTML-escaped, and the part of
 * its base64 encoding that does not depend on what precedes it (a Basic auth header is base64 of "user:password").
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), secret.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")]);
  const bytes = Buffer.from(secret, "utf8");
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64").replace(/=+$/, "");
    // Characters before `start` mix in the unknown preceding bytes; after `end`, the unknown following ones.
    const start = [0, 2, 3][offset] ?? 0;
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(start, end);
    if (core.length >= 4) forms.add(core);
  }
  return [...forms].filter((form) => form.length >= MIN_LENGTH);
}

function allForms(extra: readonly string[]): string[] {
  registry.forms ??= [...new Set([...registry.values].flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (extra.length === 0) return registry.forms;
  return [...new Set([...registry.forms, ...extra.filter((s) => s.length >= MIN_LENGTH).flatMap(secretForms)])].sort((a, b) => b.length - a.length);
}

/** The text with every masked value (and `extra`), in any of its forms, replaced by ***. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const form of allForms(extra)) if (out.includes(form)) out = out.replaceAll(form, REDACTED);
  return out;
}

/** The bytes with every masked value replaced, or undefined when there was none (the caller keeps the original). */
export function redactBytes(bytes: Buffer): Buffer | undefined {
  let out = bytes;
  let changed = false;
  for (const form of allForms([])) {
    const needle = Buffer.from(form, "utf8");
    if (out.indexOf(needle) < 0) continue;
    const parts: Buffer[] = [];
    let from = 0;
    for (let at = out.indexOf(needle); at >= 0; at = out.indexOf(needle, from)) {
      parts.push(out.subarray(from, at), Buffer.from(REDACTED));
      from = at + needle.length;
    }
    parts.push(out.subarray(from));
    out = Buffer.concat(parts);
    changed = true;
  }
  return changed ? out : undefined;
}

/** Replaces every given secret value in a text, longest first (the masks of this process are not consulted). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) if (secret.length >= MIN_LENGTH) out = out.replaceAll(secret, REDACTED);
  return out;
}

/** A URL fit to print: its password replaced by *** (an unparseable one is not printed at all). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = REDACTED;
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}

/** The password of a URL with credentials (amqp://user:password@host), decoded. */
function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/** A kubeconfig's credentials: users' tokens, passwords and client keys. */
function kubeconfigSecrets(file: string | undefined): string[] {
  if (!file) return [];
  try {
    const config = parse(fs.readFileSync(file, "utf8")) as { users?: { user?: Record<string, unknown> }[] } | null;
    return (config?.users ?? []).flatMap((u) => ["token", "password", "client-key-data"].map((key) => u.user?.[key]).filter((v): v is string => typeof v === "string"));
  } catch {
    return []; // an unreadable kubeconfig is reported where it is used
  }
}

/** Masks the secrets the environment carries: the broker URL's password, the named kubeconfig's credentials. */
export function maskSecretsFromEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  maskSecret(urlPassword(env.RABBITMQ_URL));
  for (const secret of kubeconfigSecrets(env.GAMEDAY_KUBECONFIG)) maskSecret(secret);
}

/** Gives this process tree a key to seal masks with, unless an ancestor already did. */
export function ensureMaskKey(env: NodeJS.ProcessEnv = process.env): void {
  env[MASK_KEY_ENV] ??= crypto.randomBytes(32).toString("hex");
}

function maskKey(): Buffer | undefined {
  const hex = process.env[MASK_KEY_ENV];
  return hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, "hex") : undefined;
}

/** This process's masks, encrypted with the run's key (AES-256-GCM), for another process of the run. */
export function sealMasks(): string | undefined {
  const key = maskKey();
  if (!key || registry.values.size === 0) return undefined;
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify([...registry.values]), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64");
}

/** Adds the masks another process of the run sealed; anything else (another run's key, garbage) is ignored. */
export function unsealMasks(sealed: string): void {
  const key = maskKey();
  if (!key) return;
  try {
    const raw = Buffer.from(sealed, "base64");
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const values = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8")) as unknown;
    if (Array.isArray(values)) for (const value of values) if (typeof value === "string") maskSecret(value);
  } catch {
    // not ours to read
  }
}

/** Redacts everything this process writes to its stdout and stderr (string chunks; bytes pass as they are). */
export function redactProcessOutput(): void {
  const marker = Symbol.for("gameday.output-redacted");
  for (const stream of [process.stdout, process.stderr]) {
    const patched = stream as NodeJS.WriteStream & { [marker]?: true };
    if (patched[marker]) continue;
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    patched.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === "string" ? redactSecrets(chunk) : chunk instanceof Uint8Array && registry.values.size > 0 ? (redactBytes(Buffer.from(chunk)) ?? chunk) : chunk, ...rest));
    patched[marker] = true;
  }
}
