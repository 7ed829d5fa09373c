// Static checks of sock-shop/k8s: the manifests parse, use only APIs that current Kubernetes serves,
// pin every image, keep upstream's `name: <deployment>` labels and selectors, carry the gameday fixes,
// and deploy the images the embedded Sock Shop stands in for. Nothing is started: no cluster, no browser.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { parseAllDocuments } from "yaml";
import { IMAGES, QUEUE_CONSUMER, SHIPPING_QUEUE } from "../../sock-shop/target.ts";

const K8S_DIR = new URL("../../sock-shop/k8s/", import.meta.url);
const SHOP = "sock-shop.yaml";
const ALERT_CONFIGMAP = "monitoring/alert-rules.yaml";
const PROMETHEUS_RULE = "monitoring/prometheus-rule.yaml";
const ALERT = "ShippingTaskNotConsumed";

interface Container {
  name?: string;
  image?: string;
  env?: { name?: string; value?: string }[];
  ports?: { name?: string; containerPort?: number }[];
}
interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  nodeSelector?: Record<string, string>;
}
interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  nodePort?: number;
}
interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name?: string;
  rules?: Rule[];
}
/** The fields of the objects in sock-shop/k8s that the checks read; everything is optional because the YAML may lack it. */
interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    // Deployment
    strategy?: { type?: string };
    selector?: { matchLabels?: Record<string, string> } | Record<string, string>;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
    // Service
    type?: string;
    ports?: ServicePort[];
    // PrometheusRule
    groups?: RuleGroup[];
  };
  data?: Record<string, string>;
}
interface Manifest {
  /** `<file>: <Kind>/<name>`, how every failure message names the document. */
  id: string;
  object: K8sObject;
}

const cache = new Map<string, { manifests: Manifest[]; problems: string[] }>();

/**
 * Every document of a file, and every YAML error or warning in it. YAML 1.1 because kubectl's decoder
 * follows 1.1 (an unquoted `yes`/`on` is a boolean there), so this reads the file as kubectl would.
 */
function load(file: string): { manifests: Manifest[]; problems: string[] } {
  const cached = cache.get(file);
  if (cached) return cached;
  const source = fs.readFileSync(new URL(file, K8S_DIR), "utf8");
  const manifests: Manifest[] = [];
  const problems: string[] = [];
  parseAllDocuments(source, { version: "1.1", prettyErrors: true }).forEach((doc, index) => {
    for (const issue of [...doc.errors, ...doc.warnings]) problems.push(`${file} document ${index + 1}: ${issue.code}: ${issue.message}`);
    const object: unknown = doc.toJS();
    if (object === null || object === undefined) return; // an empty document (e.g. a trailing ---) is no object
    if (typeof object !== "object" || Array.isArray(object)) {
      problems.push(`${file} document ${index + 1}: not a mapping but ${JSON.stringify(object)}`);
      return;
    }
    const typed = object as K8sObject;
    const id = `${file}: ${typed.kind ?? "(no kind)"}/${typed.metadata?.name ?? "(no name)"}`;
    if (!typed.apiVersion || !typed.kind || !typed.metadata?.name) problems.push(`${id}: needs apiVersion, kind and metadata.name`);
    manifests.push({ id, object: typed });
  });
  const loaded = { manifests, problems };
  cache.set(file, loaded);
  return loaded;
}

const shop = (): Manifest[] => load(SHOP).manifests;
const all = (): Manifest[] => [SHOP, ALERT_CONFIGMAP, PROMETHEUS_RULE].flatMap((file) => load(file).manifests);
const ofKind = (kind: string): Manifest[] => shop().filter((m) => m.object.kind === kind);

function find(kind: string, name: string, file = SHOP): Manifest {
  const found = load(file).manifests.find((m) => m.object.kind === kind && m.object.metadata?.name === name);
  if (!found) throw new Error(`${file}: no ${kind}/${name}`);
  return found;
}

function containers(m: Manifest): Container[] {
  const pod = m.object.spec?.template?.spec;
  return [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])];
}

function matchLabels(m: Manifest): Record<string, string> | undefined {
  const selector = m.object.spec?.selector;
  return selector && "matchLabels" in selector ? (selector.matchLabels as Record<string, string> | undefined) : undefined;
}

/** True when every label of `selector` is on `labels` with the same value (how a selector picks pods). */
function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** The tag or digest of an image reference; a registry port (`host:5000/x`) is not a tag. */
function imageVersion(image: string): string | undefined {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(at + 1);
  const afterLastSlash = image.slice(image.lastIndexOf("/") + 1);
  const colon = afterLastSlash.indexOf(":");
  return colon >= 0 ? afterLastSlash.slice(colon + 1) : undefined;
}

/** `mongo`, `library/mongo`, `docker.io/library/mongo` … with any tag. */
const isMongo = (image: string): boolean => /^(?:(?:docker\.io|index\.docker\.io)\/)?(?:library\/)?mongo(?:[:@]|$)/.test(image);

/** The alerting groups of the ConfigMap's `alert.rules`, as Prometheus reads them. */
function configMapGroups(): RuleGroup[] {
  const configMap = find("ConfigMap", "prometheus-alertrules", ALERT_CONFIGMAP);
  const text = configMap.object.data?.["alert.rules"];
  if (text === undefined) throw new Error(`${configMap.id}: no data key alert.rules`);
  const docs = parseAllDocuments(text);
  const problems = Array.from(docs).flatMap((doc) => [...doc.errors, ...doc.warnings].map((e) => `${e.code}: ${e.message}`));
  expect(problems, `${configMap.id}: data["alert.rules"] must parse as YAML`).toEqual([]);
  expect(Array.from(docs), `${configMap.id}: data["alert.rules"] must be one YAML document`).toHaveLength(1);
  const rules = docs[0]?.toJS() as { groups?: RuleGroup[] } | null;
  return rules?.groups ?? [];
}

function findAlert(groups: RuleGroup[], where: string): Rule {
  const group = groups.find((g) => g.name === "sock-shop-queues");
  expect(group, `${where}: no rule group sock-shop-queues among ${JSON.stringify(groups.map((g) => g.name))}`).toBeDefined();
  const rule = group?.rules?.find((r) => r.alert === ALERT);
  expect(rule, `${where}: group sock-shop-queues has no alert ${ALERT}`).toBeDefined();
  return rule ?? {};
}

test.describe("sock-shop Kubernetes manifests", () => {
  test("every document parses as a Kubernetes object", () => {
    for (const file of [SHOP, ALERT_CONFIGMAP, PROMETHEUS_RULE]) {
      const { manifests, problems } = load(file);
      expect(problems, `${file} must parse cleanly`).toEqual([]);
      expect(manifests.length, `${file} holds no object`).toBeGreaterThan(0);
    }
  });

  test("the shop holds upstream's 29 objects, all in namespace sock-shop", () => {
    const workloads = ["carts", "carts-db", "catalogue", "catalogue-db", "front-end", "orders", "orders-db", "payment", "queue-master", "rabbitmq", "session-db", "shipping", "user", "user-db"];
    const expected = ["Namespace/sock-shop", ...workloads.flatMap((name) => [`Deployment/${name}`, `Service/${name}`])].sort();
    const actual = shop().map((m) => `${m.object.kind}/${m.object.metadata?.name}`).sort();
    expect(actual, `${SHOP}: objects differ from upstream complete-demo.yaml`).toEqual(expected);
    const elsewhere = shop()
      .filter((m) => m.object.kind !== "Namespace" && m.object.metadata?.namespace !== "sock-shop")
      .map((m) => `${m.id}: namespace ${m.object.metadata?.namespace ?? "(none)"}`);
    expect(elsewhere, "every namespaced object must be in sock-shop").toEqual([]);
  });

  test("no object uses an API version that current Kubernetes no longer serves", () => {
    // Removed in 1.16–1.32 (kubernetes.io/docs/reference/using-api/deprecation-guide); beta and alpha
    // versions of built-in groups are removed a few releases after GA, so none of them may appear either.
    const removed = new Set([
      "extensions/v1beta1", "apps/v1beta1", "apps/v1beta2", "batch/v1beta1", "batch/v2alpha1", "policy/v1beta1",
      "autoscaling/v2beta1", "autoscaling/v2beta2", "networking.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1beta1",
      "rbac.authorization.k8s.io/v1alpha1", "admissionregistration.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1",
      "apiregistration.k8s.io/v1beta1", "scheduling.k8s.io/v1beta1", "storage.k8s.io/v1beta1", "discovery.k8s.io/v1beta1",
      "events.k8s.io/v1beta1", "node.k8s.io/v1beta1", "coordination.k8s.io/v1beta1", "certificates.k8s.io/v1beta1",
      "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
    ]);
    const builtInPreGA = /^(?:(?:apps|batch|policy|autoscaling|extensions|[a-z.]+\.k8s\.io)\/)?v\d+(?:alpha|beta)\d+$/;
    const offences = all()
      .filter(({ object: { apiVersion = "" } }) => removed.has(apiVersion) || builtInPreGA.test(apiVersion))
      .map((m) => `${m.id}: apiVersion ${m.object.apiVersion}`);
    expect(offences, "removed or pre-GA API versions").toEqual([]);
  });

  test("every image has an explicit tag, and mongo stays below 5", () => {
    const offences: string[] = [];
    for (const m of ofKind("Deployment")) {
      for (const c of containers(m)) {
        const image = c.image ?? "";
        const version = imageVersion(image);
        if (!version || version === "latest") offences.push(`${m.id} container ${c.name}: image "${image}" has no pinned tag`);
        // Untagged mongo is 6+ (carts/orders fail with error 352) and mongo 5+ needs AVX.
        else if (isMongo(image) && !(Number.parseInt(version, 10) < 5)) offences.push(`${m.id} container ${c.name}: image "${image}" must be mongo 4.x or older`);
      }
    }
    expect(offences, "unpinned or unsupported images").toEqual([]);
  });

  test("no nodeSelector uses the deprecated beta.kubernetes.io/os key", () => {
    const offences = ofKind("Deployment").flatMap((m) =>
      Object.keys(m.object.spec?.template?.spec?.nodeSelector ?? {})
        .filter((key) => key.startsWith("beta.kubernetes.io/"))
        .map((key) => `${m.id}: nodeSelector ${key}`),
    );
    expect(offences, "deprecated nodeSelector keys (use kubernetes.io/os)").toEqual([]);
  });

  test("each Deployment is labelled and selected by name: <deployment>", () => {
    const offences: string[] = [];
    for (const m of ofKind("Deployment")) {
      const name = m.object.metadata?.name;
      const labels = m.object.metadata?.labels;
      const selector = matchLabels(m);
      const podLabels = m.object.spec?.template?.metadata?.labels;
      if (labels?.name !== name) offences.push(`${m.id}: metadata.labels.name is ${JSON.stringify(labels?.name)}, want ${JSON.stringify(name)}`);
      if (selector?.name !== name) offences.push(`${m.id}: spec.selector.matchLabels is ${JSON.stringify(selector)}, want name: ${name}`);
      if (podLabels?.name !== name) offences.push(`${m.id}: pod template labels ${JSON.stringify(podLabels)} lack name: ${name}`);
      if (selector && !selects(selector, podLabels)) offences.push(`${m.id}: selector ${JSON.stringify(selector)} does not match pod labels ${JSON.stringify(podLabels)}`);
    }
    expect(offences, "Deployment labels and selectors").toEqual([]);
  });

  test("every Service selects some Deployment's pods, on ports its containers declare", () => {
    const offences: string[] = [];
    for (const service of ofKind("Service")) {
      const selector = service.object.spec?.selector as Record<string, string> | undefined;
      if (!selector || Object.keys(selector).length === 0) {
        offences.push(`${service.id}: no selector`);
        continue;
      }
      const targets = ofKind("Deployment").filter((d) => selects(selector, d.object.spec?.template?.metadata?.labels));
      if (targets.length === 0) {
        offences.push(`${service.id}: selector ${JSON.stringify(selector)} matches no Deployment's pod labels`);
        continue;
      }
      const declared = targets.flatMap(containers).flatMap((c) => c.ports ?? []);
      for (const port of service.object.spec?.ports ?? []) {
        const target = port.targetPort ?? port.port;
        const known = declared.some((p) => (typeof target === "string" ? p.name === target : p.containerPort === target));
        if (!known) offences.push(`${service.id}: port ${port.port} targets ${JSON.stringify(target)}, which no selected container declares`);
      }
    }
    expect(offences, "Service selectors and target ports").toEqual([]);
    const frontEnd = find("Service", "front-end");
    expect(frontEnd.object.spec?.type, `${frontEnd.id}: type`).toBe("NodePort");
    expect(frontEnd.object.spec?.ports?.map((p) => p.nodePort), `${frontEnd.id}: nodePort`).toEqual([30001]);
  });

  test("queue-master is replaced, never run beside its old build: strategy Recreate", () => {
    const queueMaster = find("Deployment", QUEUE_CONSUMER);
    expect(queueMaster.object.spec?.strategy?.type, `${queueMaster.id}: spec.strategy.type`).toBe("Recreate");
  });

  test("the rabbitmq Service exposes AMQP 5672 and the management API 15672, and the exporter listens where it is scraped", () => {
    const service = find("Service", "rabbitmq");
    const ports = service.object.spec?.ports ?? [];
    expect(ports.find((p) => p.port === 5672), `${service.id}: no port 5672 in ${JSON.stringify(ports)}`).toBeDefined();
    expect(ports.find((p) => p.port === 15672 && p.name === "management"), `${service.id}: no port 15672 named management in ${JSON.stringify(ports)}`).toBeDefined();

    // The exporter's own default port (9419) differs from upstream's 9090, so it must be told.
    const scrapePort = service.object.metadata?.annotations?.["prometheus.io/port"];
    const exporter = containers(find("Deployment", "rabbitmq")).find((c) => c.name === "rabbitmq-exporter");
    const env = Object.fromEntries((exporter?.env ?? []).map((e) => [e.name, e.value]));
    expect(env["PUBLISH_PORT"], `Deployment/rabbitmq container rabbitmq-exporter: PUBLISH_PORT vs the scrape port ${scrapePort}`).toBe(scrapePort);
    expect(env["RABBIT_CAPABILITIES"], "Deployment/rabbitmq container rabbitmq-exporter: RABBIT_CAPABILITIES (bert needs RabbitMQ >= 3.6.9)").toBe("no_sort");
  });

  test(`the alert ConfigMap fires ${ALERT} on a consumer-less shipping-task backlog`, () => {
    const configMap = find("ConfigMap", "prometheus-alertrules", ALERT_CONFIGMAP);
    expect(configMap.object.metadata?.namespace, `${configMap.id}: namespace`).toBe("monitoring");
    const groups = configMapGroups();
    const where = `${configMap.id} alert.rules`;
    expect(groups.map((g) => g.name), `${where}: upstream's HighErrorRate group must stay`).toContain("HighErrorRate");

    const rule = findAlert(groups, where);
    const expr = rule.expr ?? "";
    const queue = SHIPPING_QUEUE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Messages ready > 0 and consumers == 0, both on the shipping queue.
    expect(expr, `${where} ${ALERT}: expr must compare ready messages on ${SHIPPING_QUEUE} with > 0`).toMatch(
      new RegExp(`rabbitmq_queue_messages_ready\\{[^}]*queue="${queue}"[^}]*\\}\\)*\\s*>\\s*0`),
    );
    expect(expr, `${where} ${ALERT}: expr must compare consumers on ${SHIPPING_QUEUE} with == 0`).toMatch(
      new RegExp(`rabbitmq_queue_consumers\\{[^}]*queue="${queue}"[^}]*\\}\\)*\\s*==\\s*0`),
    );
    expect(expr, `${where} ${ALERT}: expr must join the two conditions with and`).toMatch(/\)\s*>\s*0\s+and\b/);
    expect(rule.for, `${where} ${ALERT}: for`).toBe("1m");
    expect(rule.labels?.["severity"], `${where} ${ALERT}: labels.severity`).toBe("critical");
    expect(rule.annotations?.["summary"] ?? "", `${where} ${ALERT}: summary must name the queue`).toContain(SHIPPING_QUEUE);
    const description = rule.annotations?.["description"] ?? "";
    for (const needed of [SHIPPING_QUEUE, "Orders still succeed", "pile up", QUEUE_CONSUMER]) {
      expect(description, `${where} ${ALERT}: description must mention "${needed}"`).toContain(needed);
    }
  });

  test("the PrometheusRule carries exactly the ConfigMap's rules", () => {
    const prometheusRule = find("PrometheusRule", "sock-shop-alert-rules", PROMETHEUS_RULE);
    expect(prometheusRule.object.apiVersion, `${prometheusRule.id}: apiVersion`).toBe("monitoring.coreos.com/v1");
    expect(prometheusRule.object.metadata?.namespace, `${prometheusRule.id}: namespace`).toBe("monitoring");
    const fromConfigMap = configMapGroups();
    const fromOperator = prometheusRule.object.spec?.groups ?? [];
    const configMapExpr = findAlert(fromConfigMap, ALERT_CONFIGMAP).expr;
    expect(findAlert(fromOperator, prometheusRule.id).expr, `${prometheusRule.id}: ${ALERT} expr drifted from ${ALERT_CONFIGMAP}`).toBe(configMapExpr);
    expect(fromOperator, `${prometheusRule.id}: groups drifted from ${ALERT_CONFIGMAP}`).toEqual(fromConfigMap);
  });

  test("the manifests deploy the images the embedded Sock Shop stands in for (sock-shop/target.ts IMAGES)", () => {
    const offences: string[] = [];
    for (const [service, image] of Object.entries(IMAGES)) {
      const deployment = shop().find((m) => m.object.kind === "Deployment" && m.object.metadata?.name === service);
      const container = deployment && containers(deployment).find((c) => c.name === service);
      if (!deployment) offences.push(`${SHOP}: no Deployment/${service}`);
      else if (container?.image !== image) offences.push(`${deployment.id} container ${service}: image ${JSON.stringify(container?.image)}, IMAGES has "${image}"`);
    }
    expect(offences, "manifest images vs IMAGES").toEqual([]);
  });
});
