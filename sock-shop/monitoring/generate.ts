// Generates sock-shop/k8s/monitoring/*.yaml from rules.yml, the one source of Sock Shop's alert rules.
//   npx tsx sock-shop/monitoring/generate.ts           writes them
//   npx tsx sock-shop/monitoring/generate.ts --check   exits 1 when a file differs from what it would write
// tests/framework/monitoring.test.ts fails while they differ.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";

export const RULES_FILE = fileURLToPath(new URL("./rules.yml", import.meta.url));
export const KUBERNETES_RULES_DIR = fileURLToPath(new URL("../k8s/monitoring/", import.meta.url));

/**
 * `for` on a real cluster, where it must be longer than the game-day value in rules.yml. The
 * embedded queue-master reconnects within a second; upstream's is a JVM pod with strategy Recreate,
 * so a rollout leaves shipping-task without a consumer for tens of seconds, which must not page.
 * Clusters scrape every 15–30 s, so 10 s of `up == 0` would page on a single failed scrape.
 * A game day's time to detect is therefore about 50 s shorter than the cluster's for these alerts.
 */
export const CLUSTER_FOR: Readonly<Record<string, string>> = {
  ShippingTaskNotConsumed: "1m",
  RabbitMQScrapeDown: "1m",
  ServiceScrapeDown: "1m",
};

const GENERATED = [
  " GENERATED from sock-shop/monitoring/rules.yml by sock-shop/monitoring/generate.ts: edit those, then",
  " run `npx tsx sock-shop/monitoring/generate.ts` (tests/framework/monitoring.test.ts fails while this",
  " file differs). The `for` of ShippingTaskNotConsumed and the scrape-down alerts is the cluster's",
  " (CLUSTER_FOR there), longer than the game days' in rules.yml.",
  "",
  " RabbitMQScrapeDown and ServiceScrapeDown select scrape jobs by name (job=\"rabbitmq\", job=\"front-end\"…),",
  " as a ServiceMonitor per Service names them; upstream's plain Prometheus names every job",
  " kubernetes-service-endpoints, so there they stay silent unless job is relabelled from",
  " __meta_kubernetes_service_name.",
];

const CONFIGMAP_HEADER = [
  ...GENERATED,
  "",
  " Prometheus alert rules for Sock Shop, as the ConfigMap that upstream's manifests-monitoring mounts at",
  " /etc/prometheus-rules/alert.rules (Deployment prometheus-deployment, namespace monitoring). Applying",
  " this replaces upstream's 08-prometheus-alertrules.yaml: HighErrorRate is kept verbatim, and",
  " sock-shop-queues and sock-shop-services are added because upstream has no queue alert.",
];

const PROMETHEUS_RULE_HEADER = [
  ...GENERATED,
  "",
  " The rules of alert-rules.yaml as a PrometheusRule, for clusters that run the Prometheus Operator",
  " (kube-prometheus, kube-prometheus-stack) instead of upstream's plain Prometheus. The Prometheus",
  " resource's ruleSelector must match these labels: kube-prometheus selects `prometheus: k8s` and",
  " `role: alert-rules`; kube-prometheus-stack selects `release: <helm release>` (add it), unless",
  " ruleSelectorNilUsesHelmValues is false.",
];

/**
 * rules.yml from its `groups:` line on (its header is about the source), with the cluster's `for`s
 * written over the game-day ones in place, so comments and layout stay as written.
 */
function clusterRules(): string {
  const source = fs.readFileSync(RULES_FILE, "utf8");
  const doc = parseDocument(source);
  if (doc.errors.length > 0) throw new Error(`${RULES_FILE}: ${doc.errors.map((e) => e.message).join("; ")}`);
  const groups = doc.get("groups", true);
  if (!isSeq(groups)) throw new Error(`${RULES_FILE}: no list of groups`);
  const edits: { alert: string; start: number; end: number; text: string }[] = [];
  for (const group of groups.items) {
    const rules = isMap(group) ? group.get("rules", true) : undefined;
    if (!isSeq(rules)) throw new Error(`${RULES_FILE}: a group without a list of rules`);
    for (const rule of rules.items) {
      const alert = isMap(rule) ? rule.get("alert") : undefined;
      const clusterFor = typeof alert === "string" ? CLUSTER_FOR[alert] : undefined;
      if (!isMap(rule) || clusterFor === undefined) continue;
      const node = rule.get("for", true);
      if (!isScalar(node) || !node.range) throw new Error(`${RULES_FILE}: ${String(alert)} has no \`for\` for CLUSTER_FOR to replace`);
      edits.push({ alert: String(alert), start: node.range[0], end: node.range[1], text: clusterFor });
    }
  }
  const stale = Object.keys(CLUSTER_FOR).filter((alert) => !edits.some((e) => e.alert === alert));
  if (stale.length > 0) throw new Error(`CLUSTER_FOR names ${stale.join(", ")}, which ${RULES_FILE} does not define`);
  let text = source;
  for (const { start, end, text: value } of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, start) + value + text.slice(end);
  const body = /^groups:/m.exec(text);
  if (!body) throw new Error(`${RULES_FILE}: no top-level groups: line`);
  return text.slice(body.index).trimEnd();
}

const indent = (text: string, by: number): string =>
  text
    .split("\n")
    .map((line) => (line === "" ? line : " ".repeat(by) + line))
    .join("\n");

const comment = (lines: readonly string[]): string => lines.map((line) => `#${line}`.trimEnd()).join("\n");

/** File name (in sock-shop/k8s/monitoring/) → the content generate.ts writes there. */
export function kubernetesRuleFiles(): Record<string, string> {
  const rules = clusterRules();
  const configMap = [
    comment(CONFIGMAP_HEADER),
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: prometheus-alertrules",
    "  namespace: monitoring",
    "data:",
    "  alert.rules: |-",
    indent(rules, 4),
    "",
  ].join("\n");
  const prometheusRule = [
    comment(PROMETHEUS_RULE_HEADER),
    "apiVersion: monitoring.coreos.com/v1",
    "kind: PrometheusRule",
    "metadata:",
    "  name: sock-shop-alert-rules",
    "  namespace: monitoring",
    "  labels:",
    "    prometheus: k8s",
    "    role: alert-rules",
    "spec:",
    indent(rules, 2),
    "",
  ].join("\n");
  return { "alert-rules.yaml": configMap, "prometheus-rule.yaml": prometheusRule };
}

/** Files under sock-shop/k8s/monitoring/ whose content differs from what generate.ts writes. */
export function staleKubernetesRuleFiles(): string[] {
  return Object.entries(kubernetesRuleFiles())
    .filter(([name, content]) => {
      const file = path.join(KUBERNETES_RULES_DIR, name);
      return !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== content;
    })
    .map(([name]) => path.join(KUBERNETES_RULES_DIR, name));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--check")) {
    const stale = staleKubernetesRuleFiles();
    for (const file of stale) console.error(`${path.relative(process.cwd(), file)} differs from what sock-shop/monitoring/generate.ts writes`);
    process.exitCode = stale.length > 0 ? 1 : 0;
  } else {
    for (const [name, content] of Object.entries(kubernetesRuleFiles())) {
      fs.writeFileSync(path.join(KUBERNETES_RULES_DIR, name), content);
      console.log(`wrote ${path.relative(process.cwd(), path.join(KUBERNETES_RULES_DIR, name))}`);
    }
  }
}
