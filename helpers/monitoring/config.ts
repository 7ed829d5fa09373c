// The configuration files of the run's detection stack, as pure functions of the stack's layout:
// what Prometheus scrapes and evaluates, and where Alertmanager delivers.
import { stringify } from "yaml";
import { HarnessError } from "../core/errors.ts";
import type { TargetMonitoring } from "../target/target.ts";

/** Job name → the URL(s) Prometheus scrapes for it (scheme, host:port and metrics path, no credentials). */
export type ScrapeTargets = Readonly<Record<string, string | readonly string[]>>;

/** One scrape job as Prometheus configures it: every target of a job shares its scheme and path. */
export interface ScrapeJob {
  job: string;
  scheme: "http" | "https";
  metricsPath: string;
  /** host:port of each target. */
  addresses: string[];
}

/**
 * Adds `targets` to `jobs` (a new job, or more addresses of an existing one with the same scheme and
 * path) and returns the new list; `jobs` is left as it was, so a refused change leaves nothing half-applied.
 */
export function mergeScrapeTargets(jobs: readonly ScrapeJob[], targets: ScrapeTargets): ScrapeJob[] {
  const merged = jobs.map((j) => ({ ...j, addresses: [...j.addresses] }));
  for (const [job, value] of Object.entries(targets)) {
    if (job.trim() === "") throw new HarnessError("a scrape job needs a name; got an empty one");
    for (const raw of typeof value === "string" ? [value] : value) {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new HarnessError(`scrape target of job "${job}" is not a URL: ${JSON.stringify(raw)}`);
      }
      // Prometheus would keep them in its configuration file, which is printed in its log on errors.
      if (url.username || url.password) throw new HarnessError(`scrape target of job "${job}" carries credentials; only unauthenticated metrics endpoints are scraped`);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new HarnessError(`scrape target of job "${job}" must be http or https, got ${url.protocol}`);
      const scheme = url.protocol === "https:" ? "https" : "http";
      const metricsPath = `${url.pathname || "/"}${url.search}`;
      const address = url.host.includes(":") ? url.host : `${url.hostname}:${scheme === "https" ? 443 : 80}`;
      const existing = merged.find((j) => j.job === job);
      if (!existing) {
        merged.push({ job, scheme, metricsPath, addresses: [address] });
      } else if (existing.scheme !== scheme || existing.metricsPath !== metricsPath) {
        throw new HarnessError(
          `job "${job}" already scrapes ${existing.scheme}://…${existing.metricsPath}; ${scheme}://${address}${metricsPath} needs a job of its own (one scheme and path per job)`,
        );
      } else if (!existing.addresses.includes(address)) {
        existing.addresses.push(address);
      }
    }
  }
  return merged;
}

export interface PrometheusLayout {
  alertmanagerAddress: string;
  ruleFiles: readonly string[];
  jobs: readonly ScrapeJob[];
}

/** prometheus.yml: 1 s scrape and evaluation, so a game day of a minute sees alerts pend and fire. */
export function prometheusConfig({ alertmanagerAddress, ruleFiles, jobs }: PrometheusLayout): string {
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: [...ruleFiles],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }] },
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      scheme: j.scheme,
      metrics_path: j.metricsPath,
      static_configs: [{ targets: [...j.addresses] }],
    })),
  };
  return stringify(config);
}

/**
 * alertmanager.yml: every alert its own group (group_by '...'), sent after 1 s, so the webhook sees
 * each alert fire and resolve as it happens; repeats only after a day, since a repeat is no new detection.
 */
export function alertmanagerConfig(webhookUrl: string): string {
  const config = {
    route: { receiver: "gameday", group_by: ["..."], group_wait: "1s", group_interval: "1s", repeat_interval: "24h" },
    receivers: [{ name: "gameday", webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  };
  return stringify(config);
}

/**
 * What to scrape for a target: each of its metrics services at its URL (e.g. the platform's
 * endpoint for it), and the broker's metrics when there are some (a shared broker may have none).
 */
export function targetScrapeTargets(
  monitoring: TargetMonitoring,
  where: { serviceUrl: (service: string) => string; brokerMetricsUrl?: string | undefined },
): ScrapeTargets {
  const targets: Record<string, string> = {};
  for (const { service, path } of monitoring.metrics) targets[service] = new URL(path, where.serviceUrl(service)).toString();
  if (where.brokerMetricsUrl) targets[monitoring.brokerJob] = where.brokerMetricsUrl;
  return targets;
}
