// Limits every run obeys, read from the environment in one place.

/** GAMEDAY_MAX_FAULT_DURATION (seconds, 600 unless set): no fault stays applied longer (the watchdog). */
export function maxFaultDurationMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.GAMEDAY_MAX_FAULT_DURATION ?? 600);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : 600_000;
}
