// Detection: did the target's monitoring notice the fault, in time, and stay quiet where it should?
// A DetectionWatch samples Prometheus's alerts in the background for the whole game day and keeps
// what it saw with timestamps (Prometheus itself only shows the present); notifications come from
// the run's Alertmanager receiver. The game day's moments (fault proven, revert) turn those into the
// key times: time to detect, to notify and to resolve.
import { EnvironmentNotReady, InvariantViolation } from "../core/errors.ts";
import { formatMs, sleep } from "../core/time.ts";
import type { ActiveAlert, AlertNotification, Monitoring } from "../monitoring/monitoring.ts";
import { matchingAlerts } from "../probes/alert.ts";

/** What monitoring must (or must not) do about one alert; the scenario's `detect:` entry. */
export interface Expectation {
  alert: string;
  labels: Record<string, string>;
  fires?: { within: number } | undefined;
  resolves?: { within: number } | undefined;
  never?: true | undefined;
}

interface Sighting {
  at: number;
  state: ActiveAlert["state"] | "inactive";
}

export interface DetectionResult {
  alert: string;
  labels: Record<string, string>;
  expected: string;
  /** Milliseconds from the fault's proof to the alert firing (sampled). */
  timeToDetectMs?: number | undefined;
  /** Milliseconds from the fault's proof to the first firing notification received. */
  timeToNotifyMs?: number | undefined;
  /** Milliseconds from the revert to the alert no longer firing. */
  timeToResolveMs?: number | undefined;
  /** Milliseconds from the revert to the resolved notification. */
  timeToResolvedNotificationMs?: number | undefined;
  passed: boolean;
  observed: string;
}

const describeLabels = (labels: Record<string, string>): string =>
  Object.keys(labels).length === 0 ? "" : `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;

export function describeExpectation(e: Expectation): string {
  const name = `${e.alert}${describeLabels(e.labels)}`;
  if (e.never) return `${name} never fires`;
  return [`${name} fires within ${formatMs(e.fires?.within ?? 0)} of the fault`, e.resolves ? `resolves within ${formatMs(e.resolves.within)} of the revert` : ""].filter(Boolean).join(", and ");
}

export class DetectionWatch {
  private readonly sightings = new Map<Expectation, Sighting[]>();
  private stopped = false;
  private loop: Promise<void> | undefined;
  private lastError: string | undefined;
  private samples = 0;
  /** When the fault was proven to have taken effect; the clock of time to detect. */
  provenAt: number | undefined;
  /** When the fault was reverted; the clock of time to resolve. */
  revertedAt: number | undefined;

  constructor(
    private readonly monitoring: Monitoring,
    readonly expectations: readonly Expectation[],
    private readonly intervalMs = 250,
  ) {
    for (const e of expectations) this.sightings.set(e, []);
  }

  /** Samples until stop(). */
  start(): void {
    this.loop ??= (async () => {
      while (!this.stopped) {
        const next = Date.now() + this.intervalMs;
        await this.sample();
        await sleep(Math.max(0, next - Date.now()));
      }
    })();
  }

  private async sample(): Promise<void> {
    const at = Date.now();
    try {
      const alerts = await this.monitoring.alerts();
      this.samples += 1;
      this.lastError = undefined;
      for (const e of this.expectations) {
        const found = matchingAlerts(alerts, e.alert, e.labels);
        this.sightings.get(e)?.push({ at, state: found.some((a) => a.state === "firing") ? "firing" : found.length > 0 ? "pending" : "inactive" });
      }
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
    }
  }

  private firingNow(e: Expectation): boolean {
    return this.sightings.get(e)?.at(-1)?.state === "firing";
  }

  /** Steady state: none of the watched alerts may be firing before the fault (waits up to withinMs for a stale one to resolve). */
  async assertQuiet(withinMs: number): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      await this.sample();
      const loud = this.expectations.filter((e) => this.firingNow(e));
      if (loud.length === 0 && this.lastError === undefined) return;
      if (Date.now() >= deadline) {
        const what = this.lastError !== undefined ? `the monitoring did not answer (${this.lastError})` : `${loud.map((e) => `${e.alert}${describeLabels(e.labels)}`).join(", ")} firing`;
        throw new EnvironmentNotReady(`environment not ready: ${what} before any fault, still after ${formatMs(withinMs)} on ${this.monitoring.display}; a game day cannot tell whether monitoring noticed a fault it was already alerting about`);
      }
      await sleep(this.intervalMs);
    }
  }

  private firstFiringAfter(e: Expectation, since: number): number | undefined {
    return this.sightings.get(e)?.find((s) => s.at >= since && s.state === "firing")?.at;
  }

  private firstQuietAfter(e: Expectation, since: number): number | undefined {
    return this.sightings.get(e)?.find((s) => s.at >= since && s.state !== "firing")?.at;
  }

  private notification(e: Expectation, status: AlertNotification["status"], since: number): AlertNotification | undefined {
    return this.monitoring
      .notifications()
      ?.find((n) => n.status === status && n.name === e.alert && n.receivedAt >= since && Object.entries(e.labels).every(([k, v]) => n.labels[k] === v));
  }

  /**
   * While the fault is applied: waits until every alert expected to fire has fired, or its deadline
   * (from the proof) has passed. `progress` is told what is still awaited.
   */
  async waitFired(progress: (line: string) => void = () => undefined): Promise<void> {
    const proven = this.provenAt ?? Date.now();
    const awaited = this.expectations.filter((e) => e.fires !== undefined);
    for (;;) {
      const pending = awaited.filter((e) => this.firstFiringAfter(e, proven) === undefined && Date.now() < proven + (e.fires?.within ?? 0));
      if (pending.length === 0) return;
      progress(`waiting for ${pending.map((e) => e.alert).join(", ")}: ${formatMs(Date.now() - proven)} since the fault`);
      await sleep(this.intervalMs);
    }
  }

  /** After the revert: waits until every alert expected to resolve has, or its deadline has passed. */
  async waitResolved(): Promise<void> {
    const reverted = this.revertedAt ?? Date.now();
    const awaited = this.expectations.filter((e) => e.resolves !== undefined && this.firstFiringAfter(e, this.provenAt ?? 0) !== undefined);
    for (;;) {
      const pending = awaited.filter((e) => this.firstQuietAfter(e, reverted) === undefined && Date.now() < reverted + (e.resolves?.within ?? 0));
      if (pending.length === 0) return;
      await sleep(this.intervalMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** What monitoring did for each expectation, and whether that was what the scenario expected. */
  results(): DetectionResult[] {
    const proven = this.provenAt;
    return this.expectations.map((e) => {
      const expected = describeExpectation(e);
      const base = { alert: e.alert, labels: e.labels, expected };
      if (e.never) {
        const fired = this.sightings.get(e)?.find((s) => s.state === "firing");
        return fired
          ? { ...base, passed: false, observed: `fired at ${new Date(fired.at).toISOString()}${proven !== undefined ? ` (${fired.at >= proven ? "+" : "-"}${formatMs(Math.abs(fired.at - proven))} from the fault)` : ""}: monitoring cried wolf` }
          : { ...base, passed: true, observed: `never fired in ${this.samples} samples` };
      }
      if (proven === undefined) return { ...base, passed: false, observed: "the fault was never proven, so detection was not measured" };
      const firedAt = this.firstFiringAfter(e, proven);
      const notified = this.notification(e, "firing", proven);
      const timeToDetectMs = firedAt === undefined ? undefined : firedAt - proven;
      const timeToNotifyMs = notified === undefined ? undefined : notified.receivedAt - proven;
      const within = e.fires?.within ?? 0;
      if (timeToDetectMs === undefined || timeToDetectMs > within) {
        const last = this.sightings.get(e)?.at(-1);
        const seen = timeToDetectMs === undefined ? `it did not fire (last state ${last?.state ?? "never read"}${this.lastError ? `; last read failed: ${this.lastError}` : ""})` : `it fired after ${formatMs(timeToDetectMs)}`;
        return { ...base, timeToDetectMs, timeToNotifyMs, passed: false, observed: `${seen}: the failure went unnoticed within ${formatMs(within)} (${this.samples} samples)` };
      }
      const observedFire = `fired ${formatMs(timeToDetectMs)} after the fault${timeToNotifyMs !== undefined ? `, notified after ${formatMs(timeToNotifyMs)}` : this.monitoring.notifications() === undefined ? "" : ", no notification received"}`;
      if (!e.resolves) return { ...base, timeToDetectMs, timeToNotifyMs, passed: true, observed: observedFire };
      const reverted = this.revertedAt;
      const quietAt = reverted === undefined ? undefined : this.firstQuietAfter(e, reverted);
      const timeToResolveMs = quietAt === undefined || reverted === undefined ? undefined : quietAt - reverted;
      const resolvedNote = reverted === undefined ? undefined : this.notification(e, "resolved", reverted);
      const timeToResolvedNotificationMs = resolvedNote === undefined || reverted === undefined ? undefined : resolvedNote.receivedAt - reverted;
      const resolvedOk = timeToResolveMs !== undefined && timeToResolveMs <= e.resolves.within;
      const observedResolve = timeToResolveMs === undefined ? `still firing ${formatMs(e.resolves.within)} after the revert` : `resolved ${formatMs(timeToResolveMs)} after the revert`;
      return { ...base, timeToDetectMs, timeToNotifyMs, timeToResolveMs, timeToResolvedNotificationMs, passed: resolvedOk, observed: `${observedFire}; ${observedResolve}` };
    });
  }

  /** Throws a detection finding naming every expectation monitoring missed. */
  judge(): DetectionResult[] {
    const results = this.results();
    const failed = results.filter((r) => !r.passed);
    if (failed.length > 0) {
      throw new InvariantViolation("detection", `monitoring (${this.monitoring.display}): ${failed.map((r) => `expected ${r.expected}; ${r.observed}`).join(" | ")}`);
    }
    return results;
  }
}
