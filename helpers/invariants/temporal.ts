// The temporal vocabulary of invariants: a probe, a condition, and a mode (always during a phase,
// eventually within a deadline). Failures say what was expected, for how long, how many samples
// were taken and the last value seen. A condition never sampled fails: there is no vacuous pass.
import { describeError, InvariantViolation, type FindingKind } from "../core/errors.ts";
import { reportProgress } from "../core/progress.ts";
import { formatMs, sleep } from "../core/time.ts";
import type { Probe } from "../probes/probe.ts";

export interface Condition<T> {
  /** Reads as a sentence after "expected", e.g. "0 consumers". */
  readonly description: string;
  holds(value: T): boolean;
}

export interface Sample<T> {
  /** Epoch milliseconds when the read started. */
  at: number;
  value?: T;
  error?: string;
}

export interface SamplingOptions<T> {
  /** Milliseconds between the starts of two reads: 100 is 10 Hz. */
  intervalMs?: number;
  /** Called with every sample, e.g. to feed a timeline. */
  onSample?: (sample: Sample<T>) => void;
}

export interface InvariantOutcome<T> {
  subject: string;
  expected: string;
  samples: number;
  durationMs: number;
  last: Sample<T> | undefined;
}

export const show = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

function lastSeen<T>(sample: Sample<T> | undefined): string {
  if (!sample) return "no value seen";
  return sample.error !== undefined ? `last read failed: ${sample.error}` : `last value seen ${show(sample.value)}`;
}

async function read<T>(probe: Probe<T>): Promise<Sample<T>> {
  const at = Date.now();
  try {
    return { at, value: await probe.read() };
  } catch (error) {
    return { at, error: describeError(error) };
  }
}

export interface AlwaysMonitor<T> {
  /** Stops sampling and judges: throws InvariantViolation if the condition ever failed. */
  stop(): Promise<InvariantOutcome<T>>;
}

/**
 * Samples in the background from now until stop(); every sample must satisfy the condition.
 * A failed read counts as a violation: a queue that vanished mid-phase breaks "always".
 */
export function always<T>(
  probe: Probe<T>,
  condition: Condition<T>,
  options: SamplingOptions<T> & { phase: string; kind?: FindingKind },
): AlwaysMonitor<T> {
  let violations = 0;
  let firstViolation: Sample<T> | undefined;
  const sampling = sampleInBackground(probe, options, (sample) => {
    if (sample.error === undefined && condition.holds(sample.value as T)) return;
    violations += 1;
    firstViolation ??= sample;
  });
  return {
    async stop() {
      const { samples, last, started, durationMs } = await sampling.stop();
      const expected = `${probe.subject}: expected ${condition.description} at all times during "${options.phase}"`;
      const outcome: InvariantOutcome<T> = { subject: probe.subject, expected: condition.description, samples, durationMs, last };
      if (samples === 0) {
        throw new InvariantViolation(options.kind ?? "invariant", `${expected}, but it was never sampled in ${formatMs(durationMs)}`);
      }
      if (violations > 0 && firstViolation) {
        const first = firstViolation.error !== undefined ? `read failed: ${firstViolation.error}` : show(firstViolation.value);
        throw new InvariantViolation(
          options.kind ?? "invariant",
          `${expected} (${formatMs(durationMs)}, ${samples} samples): violated in ${violations} sample(s), first at +${formatMs(firstViolation.at - started)} with ${first}; ${lastSeen(last)}`,
        );
      }
      return outcome;
    },
  };
}

/** Reads the probe every intervalMs until stop(), handing each sample to `judge` and `onSample`. */
function sampleInBackground<T>(
  probe: Probe<T>,
  options: SamplingOptions<T>,
  judge: (sample: Sample<T>) => void,
): { stop(): Promise<{ samples: number; last: Sample<T> | undefined; started: number; durationMs: number }> } {
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  let samples = 0;
  let last: Sample<T> | undefined;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const next = Date.now() + intervalMs;
      const sample = await read(probe);
      samples += 1;
      last = sample;
      options.onSample?.(sample);
      judge(sample);
      await sleep(Math.max(0, next - Date.now()));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { samples, last, started, durationMs: Date.now() - started };
    },
  };
}

/** Samples until the condition holds; fails after `withinMs` with the last value seen. */
export async function eventually<T>(
  probe: Probe<T>,
  condition: Condition<T>,
  options: SamplingOptions<T> & { withinMs: number; after: string; kind?: FindingKind },
): Promise<InvariantOutcome<T> & { value: T }> {
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  const deadline = started + options.withinMs;
  let samples = 0;
  let last: Sample<T> | undefined;
  for (;;) {
    const next = Date.now() + intervalMs;
    const sample = await read(probe);
    samples += 1;
    last = sample;
    options.onSample?.(sample);
    if (sample.error === undefined && condition.holds(sample.value as T)) {
      return { subject: probe.subject, expected: condition.description, samples, durationMs: Date.now() - started, last, value: sample.value as T };
    }
    reportProgress(probe.subject, condition.description, sample.error ?? sample.value);
    if (Date.now() >= deadline) {
      throw new InvariantViolation(
        options.kind ?? "recovery",
        `${probe.subject}: expected ${condition.description} within ${formatMs(options.withinMs)} after "${options.after}", ` +
          `not reached after ${formatMs(Date.now() - started)} and ${samples} samples; ${lastSeen(last)}`,
      );
    }
    await sleep(Math.max(0, Math.min(next, deadline) - Date.now()));
  }
}

/** One read, judged at once: "the queue has 0 consumers now". A failed read fails it. */
export async function now<T>(probe: Probe<T>, condition: Condition<T>, options: { at: string; kind?: FindingKind }): Promise<InvariantOutcome<T> & { value: T }> {
  const sample = await read(probe);
  if (sample.error === undefined && condition.holds(sample.value as T)) {
    return { subject: probe.subject, expected: condition.description, samples: 1, durationMs: Date.now() - sample.at, last: sample, value: sample.value as T };
  }
  throw new InvariantViolation(options.kind ?? "invariant", `${probe.subject}: expected ${condition.description} at "${options.at}" (1 sample); ${lastSeen(sample)}`);
}

/** A condition from a description and a predicate. */
export const that = <T>(description: string, holds: (value: T) => boolean): Condition<T> => ({ description, holds });

/** The negation of a condition, for "never". */
export const not = <T>(condition: Condition<T>): Condition<T> => ({
  description: `not (${condition.description})`,
  holds: (value) => !condition.holds(value),
});

/** Samples until stop(); passes if the condition held at one sample or more. */
export function atLeastOnce<T>(
  probe: Probe<T>,
  condition: Condition<T>,
  options: SamplingOptions<T> & { phase: string; kind?: FindingKind },
): AlwaysMonitor<T> {
  let held: Sample<T> | undefined;
  const sampling = sampleInBackground(probe, options, (sample) => {
    if (sample.error === undefined && condition.holds(sample.value as T)) held ??= sample;
  });
  return {
    async stop() {
      const { samples, last, durationMs } = await sampling.stop();
      if (!held) {
        throw new InvariantViolation(
          options.kind ?? "invariant",
          `${probe.subject}: expected ${condition.description} at least once during "${options.phase}", ` +
            `but it never held in ${formatMs(durationMs)} and ${samples} samples; ${lastSeen(last)}`,
        );
      }
      return { subject: probe.subject, expected: condition.description, samples, durationMs, last: held };
    },
  };
}

/**
 * Waits (up to `withinMs`, default 0) for the condition to start holding, then requires it at every
 * sample for `forMs`: "latency stays under 2 s for 30 s".
 */
export async function stays<T>(
  probe: Probe<T>,
  condition: Condition<T>,
  options: SamplingOptions<T> & { forMs: number; withinMs?: number; after: string; kind?: FindingKind },
): Promise<InvariantOutcome<T>> {
  const intervalMs = options.intervalMs ?? 100;
  const started = Date.now();
  const startBy = started + (options.withinMs ?? 0);
  let samples = 0;
  let holdingSince: number | undefined;
  let last: Sample<T> | undefined;
  for (;;) {
    const next = Date.now() + intervalMs;
    const sample = await read(probe);
    samples += 1;
    last = sample;
    options.onSample?.(sample);
    const ok = sample.error === undefined && condition.holds(sample.value as T);
    if (ok) {
      holdingSince ??= sample.at;
      if (sample.at - holdingSince >= options.forMs) {
        return { subject: probe.subject, expected: condition.description, samples, durationMs: Date.now() - started, last };
      }
    } else if (holdingSince !== undefined || sample.at >= startBy) {
      const heldFor = holdingSince === undefined ? "" : ` after holding for ${formatMs(sample.at - holdingSince)}`;
      throw new InvariantViolation(
        options.kind ?? "invariant",
        `${probe.subject}: expected ${condition.description} to stay true for ${formatMs(options.forMs)} after "${options.after}", ` +
          `but it broke${heldFor} at +${formatMs(sample.at - started)} (${samples} samples); ${lastSeen(last)}`,
      );
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}
