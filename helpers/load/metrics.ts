// The load's metrics, with k6's names and kinds, each kept per phase of the fault clock (the tag
// `phase`): trends in Node's HDR histograms (microsecond resolution, 3 significant figures), rates
// as passes over totals, counters as counts. Also a per-second view (requests and p95) for the
// timeline chart.
import { createHistogram, type RecordableHistogram } from "node:perf_hooks";

export const METRICS = {
  http_req_duration: "trend",
  iteration_duration: "trend",
  http_req_failed: "rate",
  checks: "rate",
  dropped_iterations: "counter",
  http_reqs: "counter",
  iterations: "counter",
} as const;
export type MetricName = keyof typeof METRICS;
export type MetricKind = (typeof METRICS)[MetricName];

const histogram = (): RecordableHistogram => createHistogram({ lowest: 1, highest: 3_600_000_000, figures: 3 });
const micros = (ms: number): number => Math.min(3_600_000_000, Math.max(1, Math.round(ms * 1_000)));

export class Trend {
  readonly histogram = histogram();
  add(ms: number): void {
    this.histogram.record(micros(ms));
  }
  get count(): number {
    return this.histogram.count;
  }
  /** Percentile p (0–100) in ms. */
  percentile(p: number): number {
    return this.count === 0 ? NaN : this.histogram.percentile(p) / 1_000;
  }
  get avg(): number {
    return this.count === 0 ? NaN : this.histogram.mean / 1_000;
  }
  get min(): number {
    return this.count === 0 ? NaN : this.histogram.min / 1_000;
  }
  get max(): number {
    return this.count === 0 ? NaN : this.histogram.max / 1_000;
  }
  merge(other: Trend): void {
    this.histogram.add(other.histogram);
  }
}

export class Rate {
  passes = 0;
  total = 0;
  add(hit: boolean): void {
    this.total++;
    if (hit) this.passes++;
  }
  get rate(): number {
    return this.total === 0 ? NaN : this.passes / this.total;
  }
}

/** One phase's metrics. `scheduled` counts the iterations the schedule put in it (started or dropped). */
export class PhaseMetrics {
  readonly http_req_duration = new Trend();
  readonly iteration_duration = new Trend();
  readonly http_req_failed = new Rate();
  readonly checks = new Rate();
  dropped_iterations = 0;
  http_reqs = 0;
  iterations = 0;
  scheduled = 0;
  /** First and last intended start in the phase (ms since epoch): its length, for counter rates. */
  firstAt = Number.POSITIVE_INFINITY;
  lastAt = Number.NEGATIVE_INFINITY;

  constructor(readonly phase: string) {}

  /** Seconds the load spent in this phase (at least one schedule interval, so a rate is defined). */
  seconds(minimumMs: number): number {
    if (this.scheduled === 0) return 0;
    return Math.max(minimumMs, this.lastAt - this.firstAt + minimumMs) / 1_000;
  }
}

export interface PerSecond {
  /** Seconds since the load started. */
  second: number;
  requests: number;
  failed: number;
  p95Ms: number;
}

/** Every phase's metrics, and the per-second view. */
export class LoadMetrics {
  readonly phases = new Map<string, PhaseMetrics>();
  private readonly seconds = new Map<number, { requests: number; failed: number; latency: Trend }>();

  constructor(private readonly startedAt: number) {}

  phase(name: string): PhaseMetrics {
    let metrics = this.phases.get(name);
    if (!metrics) this.phases.set(name, (metrics = new PhaseMetrics(name)));
    return metrics;
  }

  scheduled(phase: string, at: number): void {
    const m = this.phase(phase);
    m.scheduled++;
    if (at < m.firstAt) m.firstAt = at;
    if (at > m.lastAt) m.lastAt = at;
  }

  request(phase: string, at: number, ms: number, failed: boolean): void {
    const m = this.phase(phase);
    m.http_reqs++;
    m.http_req_duration.add(ms);
    m.http_req_failed.add(failed);
    const second = Math.max(0, Math.floor((at - this.startedAt) / 1_000));
    let s = this.seconds.get(second);
    if (!s) this.seconds.set(second, (s = { requests: 0, failed: 0, latency: new Trend() }));
    s.requests++;
    if (failed) s.failed++;
    s.latency.add(ms);
  }

  perSecond(): PerSecond[] {
    return [...this.seconds.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, s]) => ({ second, requests: s.requests, failed: s.failed, p95Ms: s.latency.percentile(95) }));
  }

  /** All phases together (the untagged metric). */
  total(): PhaseMetrics {
    const all = new PhaseMetrics("all");
    for (const m of this.phases.values()) {
      all.http_req_duration.merge(m.http_req_duration);
      all.iteration_duration.merge(m.iteration_duration);
      all.http_req_failed.passes += m.http_req_failed.passes;
      all.http_req_failed.total += m.http_req_failed.total;
      all.checks.passes += m.checks.passes;
      all.checks.total += m.checks.total;
      all.dropped_iterations += m.dropped_iterations;
      all.http_reqs += m.http_reqs;
      all.iterations += m.iterations;
      all.scheduled += m.scheduled;
      all.firstAt = Math.min(all.firstAt, m.firstAt);
      all.lastAt = Math.max(all.lastAt, m.lastAt);
    }
    return all;
  }
}
