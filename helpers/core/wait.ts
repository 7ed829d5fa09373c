// The harness's own waits (a process to exit, a component to answer, a lock to free): one loop,
// failing with the same kind of message as `eventually`: what was awaited, the limit, how many
// checks were made and the last value seen.
import { describeError, HarnessError } from "./errors.ts";
import { formatMs, sleep } from "./time.ts";

export interface WaitOptions {
  /** The limit; the wait fails once it has passed without the condition holding. */
  withinMs: number;
  /** Milliseconds between the starts of two checks. */
  intervalMs?: number;
  /** Asked after every check: a reason to stop waiting at once (e.g. the process died). */
  abortIf?: () => string | undefined;
  /** The error to throw; a HarnessError by default. */
  fail?: (message: string) => Error;
  signal?: AbortSignal;
}

const shown = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value) ?? String(value));

/**
 * Reads until `done(value)` holds and returns that value. A read that throws counts as not done
 * (its message becomes the last value seen), so a component that is still starting is waited for.
 */
export async function waitUntil<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, options: WaitOptions): Promise<T> {
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  const deadline = started + options.withinMs;
  const fail = options.fail ?? ((message: string) => new HarnessError(message));
  let checks = 0;
  let last = "no value seen";
  for (;;) {
    const next = Date.now() + intervalMs;
    checks += 1;
    try {
      const value = await read();
      if (done(value)) return value;
      last = `last value seen ${shown(value)}`;
    } catch (error) {
      last = `last check failed: ${describeError(error)}`;
    }
    const aborted = options.abortIf?.();
    if (aborted !== undefined) throw fail(`stopped waiting for ${what} after ${formatMs(Date.now() - started)}: ${aborted}; ${last}`);
    if (Date.now() >= deadline) {
      throw fail(`timed out after ${formatMs(options.withinMs)} waiting for ${what}: not reached after ${checks} checks; ${last}`);
    }
    await sleep(Math.max(0, Math.min(next, deadline) - Date.now()), options.signal);
  }
}
