// Prometheus metrics: request_duration_seconds{service,method,route,status_code}, the histogram of
// the deployed front-end 0.3.12 image that the HighErrorRate alert reads.

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
// Upstream labels by raw path (one series per order id, per 404 probe…); we cap the series count.
const MAX_SERIES = 2000;

interface Series {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

export class RequestDurations {
  private readonly histogram = new Map<string, Series>();

  constructor(private readonly service: string) {}

  observe(method: string, path: string, statusCode: number, seconds: number): void {
    const labelsFor = (route: string): string =>
      `service="${this.service}",method="${method.toLowerCase()}",route="${route.replace(/["\\\n]/g, "_")}",status_code="${statusCode}"`;
    let labels = labelsFor(path);
    if (!this.histogram.has(labels) && this.histogram.size >= MAX_SERIES) labels = labelsFor("(other)");
    let series = this.histogram.get(labels);
    if (!series) {
      series = { labels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.histogram.set(labels, series);
    }
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) series.counts[i] = (series.counts[i] ?? 0) + 1;
    });
    series.sum += seconds;
    series.count += 1;
  }

  /** The Prometheus text exposition (served with content type text/plain; version=0.0.4). */
  text(): string {
    const lines = [
      "# HELP request_duration_seconds Time taken to process the request",
      "# TYPE request_duration_seconds histogram",
    ];
    for (const s of this.histogram.values()) {
      BUCKETS.forEach((bound, i) => lines.push(`request_duration_seconds_bucket{le="${bound}",${s.labels}} ${s.counts[i] ?? 0}`));
      lines.push(`request_duration_seconds_bucket{le="+Inf",${s.labels}} ${s.count}`);
      lines.push(`request_duration_seconds_sum{${s.labels}} ${s.sum}`, `request_duration_seconds_count{${s.labels}} ${s.count}`);
    }
    return lines.join("\n") + "\n";
  }
}
