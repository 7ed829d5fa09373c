import { describeError } from "../core/errors.ts";
import { sleep } from "../core/time.ts";
import type { Probe } from "../probes/probe.ts";

/** Reads a probe every `intervalMs` in the background until the returned stop() is awaited. */
export function sampleEvery<T>(
  probe: Probe<T>,
  intervalMs: number,
  onValue: (value: T, at: number) => void,
  onError: (message: string, at: number) => void = () => undefined,
): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const at = Date.now();
      try {
        onValue(await probe.read(), at);
      } catch (error) {
        onError(describeError(error), at);
      }
      await sleep(Math.max(0, at + intervalMs - Date.now()));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
