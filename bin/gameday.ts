#!/usr/bin/env -S node --import tsx
// gameday: validate, plan, run and restore game days; build the report; bring the embedded target
// up. Exit codes follow the CI contract: 0 passed, 1 finding, 2 invalid input, 3 harness error.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { restorers } from "../fixtures/platform.ts";
import { sweepLeftoverVhosts, sweepOrphanedNodes } from "../helpers/broker/rabbitmq.ts";
import { ScenarioError } from "../helpers/core/errors.ts";
import { orphaned, stateDir } from "../helpers/core/leftovers.ts";
import { Ledger } from "../helpers/ledger/ledger.ts";
import { formatRestore, restore } from "../helpers/ledger/restore.ts";
import { controlPlaneBinDir, sweepOrphanedControlPlanes } from "../helpers/platforms/kubernetes/control-plane.ts";
// Settings and the control-plane builder load no API client; the rest comes through ./kubernetes.ts.
import { assertNamespaceAllowed, CLUSTER_ENV, clusterSettingsFromEnv, KUBERNETES_CAPABILITIES, namesACluster, type ClusterSettings } from "../helpers/platforms/kubernetes/settings.ts";
import { LOCAL_CAPABILITIES, LocalPlatform } from "../helpers/platforms/local/local-platform.ts";
import type { PlatformCapability } from "../helpers/platforms/platform.ts";
import { buildHtmlReport } from "../helpers/report/html-report.ts";
import { EXIT_CODES, type Verdict } from "../helpers/report/verdict.ts";
import { formatPlan } from "../helpers/scenario/plan.ts";
import { formatValidation, validateFiles } from "../helpers/scenario/validate.ts";
import { kubernetesCluster, kubernetesEmbedded, kubernetesRestore } from "./kubernetes.ts";
import { TARGETS } from "./targets.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPORTS = path.resolve(ROOT, process.env.GAMEDAY_REPORTS_DIR ?? "reports");
const PLATFORMS = ["local", "kubernetes"] as const;
const PROJECTS: Record<(typeof PLATFORMS)[number], string> = { local: "sock-shop", kubernetes: "sock-shop-kubernetes" };
const CAPABILITIES: Record<(typeof PLATFORMS)[number], ReadonlySet<PlatformCapability>> = { local: LOCAL_CAPABILITIES, kubernetes: KUBERNETES_CAPABILITIES };

const USAGE = `usage: gameday <command> [options]

  run [scenario.yaml…]   run scenarios (default: every scenarios/*.yaml) as Playwright tests, then build the report
        --platform local|kubernetes   where the target runs (default local)
        --tag <tag>        only scenarios with this tag (repeatable)
        --grep <text>      only scenarios whose name matches
        --var name=value   set a scenario variable (repeatable; also GAMEDAY_VAR_<NAME>)
      with --platform kubernetes, your cluster (none of these: an embedded control plane):
        --kubeconfig <file>        as kubectl (default $KUBECONFIG, then ~/.kube/config)
        --context <name>           as kubectl (default the current context)
        --namespace <ns>           where the target runs (default the context's namespace)
        --allow-namespace <ns>     allowlist (repeatable; also GAMEDAY_ALLOWED_NAMESPACES); kube-system never
        --endpoint <svc>=<url>     how this machine reaches a service (repeatable), e.g. front-end=http://127.0.0.1:8079
        --max-replicas <n>         blast radius: most replicas one fault may hit (default 10)
        --max-percent <n>          blast radius: most of a deployment, in percent (default 100)
  validate <file…>       check scenario files; every problem with file:line:col and a fix
  plan <file>            what the scenario would do and mutate; touches nothing
  restore                revert what the ledger says crashed runs left applied
        --namespace <ns> (+ --kubeconfig, --context)   also revert every game-day change found on that namespace's objects
  report                 build the single-file HTML report from reports/allure-results
  up [--platform kubernetes]   start the embedded Sock Shop in the foreground (Ctrl-C stops it); with
                         kubernetes, on an embedded cluster, printing how to drive it with kubectl and
                         how to run a game day against it as against your own cluster
  down                   stop what crashed runs left behind (private RabbitMQ nodes, embedded control planes)

exit codes: 0 passed · 1 finding · 2 invalid input · 3 harness error`;

class UsageError extends Error {}

const CLUSTER_OPTIONS = ["--kubeconfig", "--context", "--namespace", "--allow-namespace", "--endpoint", "--max-replicas", "--max-percent"];

interface Options {
  files: string[];
  platform: (typeof PLATFORMS)[number];
  /** Cluster settings, as the environment variables the workers read (see helpers/platforms/kubernetes/settings.ts). */
  cluster: Record<string, string>;
  /** The same, parsed (with the environment's own GAMEDAY_* values under them). */
  clusterSettings: ClusterSettings;
  tags: string[];
  grep?: string;
  variables: Record<string, string>;
  passthrough: string[];
}

function parse(args: string[], allowed: readonly string[]): Options {
  const options: Omit<Options, "clusterSettings"> = { files: [], platform: "local", cluster: {}, tags: [], variables: {}, passthrough: [] };
  let platform = "local";
  const appendTo = (name: string, value: string): void => {
    options.cluster[name] = options.cluster[name] ? `${options.cluster[name]},${value}` : value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--") {
      options.passthrough = args.slice(i + 1);
      break;
    }
    if (arg.startsWith("--") && !allowed.includes(arg)) throw new UsageError(`unknown option ${arg}`);
    if (arg === "--platform") platform = value();
    else if (arg === "--kubeconfig") options.cluster[CLUSTER_ENV.kubeconfig] = path.resolve(value());
    else if (arg === "--context") options.cluster[CLUSTER_ENV.context] = value();
    else if (arg === "--namespace") options.cluster[CLUSTER_ENV.namespace] = value();
    else if (arg === "--allow-namespace") appendTo(CLUSTER_ENV.allowedNamespaces, value());
    else if (arg === "--endpoint") appendTo(CLUSTER_ENV.endpoints, value());
    else if (arg === "--max-replicas") options.cluster[CLUSTER_ENV.maxReplicas] = value();
    else if (arg === "--max-percent") options.cluster[CLUSTER_ENV.maxPercent] = value();
    else if (arg === "--tag") options.tags.push(value());
    else if (arg === "--grep") options.grep = value();
    else if (arg === "--var") {
      const [name, ...rest] = value().split("=");
      if (!name || rest.length === 0) throw new UsageError(`--var takes name=value, got "${args[i] ?? ""}"`);
      options.variables[name] = rest.join("=");
    } else options.files.push(arg);
  }
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new UsageError(`--platform ${platform} is not available; available: ${PLATFORMS.join(", ")}`);
  }
  options.platform = platform as Options["platform"];
  if (Object.keys(options.cluster).length > 0 && options.platform !== "kubernetes" && allowed.includes("--platform")) {
    throw new UsageError("--kubeconfig, --context, --namespace, --allow-namespace, --endpoint, --max-replicas and --max-percent need --platform kubernetes");
  }
  for (const file of options.files) if (!fs.existsSync(file)) throw new UsageError(`no such file: ${file}`);
  // Refuse bad cluster settings here, before any worker starts (exit 2, nothing touched).
  return { ...options, clusterSettings: clusterSettingsFromEnv({ ...process.env, ...options.cluster }) };
}

function scenarioFiles(files: string[]): string[] {
  if (files.length > 0) return files.map((f) => path.resolve(f));
  const dir = path.join(ROOT, "scenarios");
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(dir, f));
}

function playwright(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cli = path.join(ROOT, "node_modules", "@playwright", "test", "cli.js");
  const child = spawn(process.execPath, [cli, "test", ...args], { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...env } });
  // Playwright's graceful stop is SIGINT: it runs fixture teardown (the reverts). Ctrl-C already
  // reaches it through the terminal's process group (a second SIGINT would make it skip teardown),
  // so this process only waits; a SIGTERM sent to this process alone is passed on as one SIGINT.
  process.on("SIGINT", () => undefined);
  process.once("SIGTERM", () => child.kill("SIGINT"));
  return new Promise((resolve) => child.on("exit", (code) => resolve(code ?? EXIT_CODES["harness error"])));
}

function readVerdict(): { verdict: Verdict; exitCode: number; passed: number; failed: number } | undefined {
  const file = path.join(REPORTS, "verdict.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as { verdict: Verdict; exitCode: number; passed: number; failed: number };
}

async function report(): Promise<string> {
  const index = await buildHtmlReport({ resultsDir: path.join(REPORTS, "allure-results"), outputDir: path.join(REPORTS, "allure-report"), cwd: ROOT });
  return path.relative(process.cwd(), index);
}

async function run(args: string[]): Promise<number> {
  const options = parse(args, ["--platform", "--tag", "--grep", "--var", ...CLUSTER_OPTIONS]);
  const files = scenarioFiles(options.files);
  // Nothing runs, nothing is touched, unless every selected scenario is valid.
  const validation = validateFiles(files, { variables: options.variables });
  if (validation.failures.length > 0) {
    console.error(formatValidation(validation));
    return EXIT_CODES["invalid input"];
  }
  const selected = validation.ok.filter(
    (s) => (options.tags.length === 0 || options.tags.some((t) => s.scenario.tags.includes(t))) && (!options.grep || s.scenario.name.includes(options.grep)),
  );
  if (selected.length === 0) {
    console.error(`gameday: no scenario matches (${files.length} file(s), tags ${options.tags.join(", ") || "any"}, grep ${options.grep ?? "none"})`);
    return EXIT_CODES["invalid input"];
  }
  for (const s of selected) {
    if (!TARGETS[s.scenario.target]) {
      console.error(`gameday: ${s.file}: unknown target "${s.scenario.target}"; known: ${Object.keys(TARGETS).join(", ")}`);
      return EXIT_CODES["invalid input"];
    }
  }
  const allowed = process.env.GAMEDAY_ALLOWED_TARGETS?.split(",").map((t) => t.trim());
  const refused = allowed ? selected.filter((s) => !allowed.includes(s.scenario.target)) : [];
  if (refused.length > 0) {
    console.error(`gameday: refused: ${refused.map((s) => `${s.scenario.name} targets ${s.scenario.target}`).join("; ")}, which GAMEDAY_ALLOWED_TARGETS (${allowed?.join(", ")}) does not allow`);
    return EXIT_CODES["invalid input"];
  }
  const { clusterSettings } = options;
  if (options.platform === "kubernetes" && namesACluster(clusterSettings)) {
    // Refuse a wrong kubeconfig, context or namespace here, offline, before any worker starts.
    if (clusterSettings.namespace) assertNamespaceAllowed(clusterSettings.namespace, clusterSettings.allowedNamespaces);
    const { connectCluster } = await kubernetesCluster();
    const cluster = connectCluster({ kubeconfig: clusterSettings.kubeconfig, context: clusterSettings.context });
    const namespace = clusterSettings.namespace ?? cluster.contextNamespace;
    if (!namespace) throw new ScenarioError(`no namespace: context ${cluster.context} names none; pass --namespace <ns>`);
    assertNamespaceAllowed(namespace, clusterSettings.allowedNamespaces);
  }
  if (options.platform === "kubernetes" && !namesACluster(clusterSettings)) {
    // The embedded cluster's binaries: built here, in the open, rather than inside a worker's timeout.
    console.log("gameday: no cluster named (--kubeconfig, --context, --namespace): using the embedded Kubernetes control plane");
    await controlPlaneBinDir({ log: (line) => console.log(line) });
  }
  const env = {
    GAMEDAY_PROGRESS: "1",
    GAMEDAY_SCENARIOS: selected.map((s) => s.file).join(path.delimiter),
    GAMEDAY_VARIABLES: JSON.stringify(options.variables),
    ...options.cluster,
  };
  const playwrightExit = await playwright([`--project=${PROJECTS[options.platform]}`, "tests/scenarios/scenarios.spec.ts", ...options.passthrough], env);
  const verdict = readVerdict();
  let reportPath = "(not built)";
  try {
    reportPath = await report();
  } catch (error) {
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`
gameday ${verdict ? `verdict: ${verdict.verdict} (${verdict.passed} passed, ${verdict.failed} failed)` : "verdict: harness error (the run produced no verdict)"}
  report: ${reportPath}   (one file; open it in a browser)
  junit:  ${path.relative(process.cwd(), path.join(REPORTS, "junit", "results.xml"))}`);
  if (!verdict) return EXIT_CODES["harness error"];
  if (playwrightExit !== 0 && verdict.exitCode === 0) return EXIT_CODES["harness error"];
  return verdict.exitCode;
}

async function validate(args: string[]): Promise<number> {
  const options = parse(args, ["--var"]);
  if (options.files.length === 0) throw new UsageError("validate needs at least one file");
  const result = validateFiles(options.files, { variables: options.variables });
  console.log(formatValidation(result));
  return result.failures.length > 0 ? EXIT_CODES["invalid input"] : 0;
}

async function plan(args: string[]): Promise<number> {
  const options = parse(args, ["--platform", "--var", ...CLUSTER_OPTIONS]);
  if (options.files.length !== 1) throw new UsageError("plan takes exactly one scenario file");
  const result = validateFiles(options.files, { variables: options.variables });
  if (result.failures.length > 0) {
    console.error(formatValidation(result));
    return EXIT_CODES["invalid input"];
  }
  const loaded = result.ok[0];
  if (!loaded) return EXIT_CODES["invalid input"];
  const outstanding = new Ledger(path.join(stateDir(), "ledger.jsonl")).outstanding().length;
  const maxFaultMs = Number(process.env.GAMEDAY_MAX_FAULT_DURATION ?? 600) * 1_000;
  console.log(formatPlan(loaded, { target: TARGETS[loaded.scenario.target], platform: options.platform, capabilities: CAPABILITIES[options.platform], outstanding, maxFaultMs }));
  return 0;
}

async function restoreCommand(args: string[]): Promise<number> {
  let namespaceLeftAlone = 0;
  const options = parse(args, ["--kubeconfig", "--context", "--namespace"]);
  const ledger = new Ledger(path.join(stateDir(), "ledger.jsonl"));
  const outcomes = await restore(ledger, restorers);
  console.log(formatRestore(outcomes));
  const settings = options.clusterSettings;
  if (settings.namespace) {
    const { connectCluster } = await kubernetesCluster();
    const { restoreNamespace } = await kubernetesRestore();
    const cluster = connectCluster({ kubeconfig: settings.kubeconfig, context: settings.context });
    const swept = await restoreNamespace(cluster, settings.namespace, { skipLiveLockHolder: true });
    const lines = [...swept.actions, ...swept.leftAlone.map((l) => `left alone: ${l}`)];
    console.log(`namespace ${settings.namespace} (${cluster.context}): ${lines.length > 0 ? `\n  ${lines.join("\n  ")}` : "no game-day change left on its objects"}`);
    namespaceLeftAlone = swept.leftAlone.length;
  }
  const nodes = await sweepOrphanedNodes();
  if (nodes > 0) console.log(`stopped ${nodes} private RabbitMQ node(s) left by crashed runs`);
  const planes = await sweepOrphanedControlPlanes();
  if (planes > 0) console.log(`stopped ${planes} process(es) of embedded Kubernetes control planes left by crashed runs`);
  if (process.env.RABBITMQ_URL) {
    const vhosts = await sweepLeftoverVhosts(process.env.RABBITMQ_URL);
    if (vhosts > 0) console.log(`deleted ${vhosts} vhost(s) left by crashed runs on RABBITMQ_URL`);
  }
  const remaining = orphaned("rabbitmq-node").length + orphaned("vhost").length;
  if (remaining > 0) console.log(`${remaining} broker leftover(s) could not be removed: see ${path.join(stateDir(), "leftovers")}`);
  return outcomes.every((o) => o.reverted) && remaining === 0 && namespaceLeftAlone === 0 ? 0 : EXIT_CODES["harness error"];
}

async function up(args: string[]): Promise<number> {
  const options = parse(args, ["--platform"]);
  const target = TARGETS["sock-shop"];
  if (!target) return EXIT_CODES["harness error"];
  const runId = `up-${Date.now().toString(36)}`;
  const workDir = path.join(stateDir(), "runs");
  const log = (line: string): void => console.log(line);
  const started = performance.now();
  let stop: () => Promise<void>;
  if (options.platform === "kubernetes") {
    // A cluster to look at and to run game days against, as if it were your own: no lock is held.
    const { deployEmbeddedTarget } = await kubernetesEmbedded();
    const embedded = await deployEmbeddedTarget({ target, runId, workDir, sharedBrokerUrl: process.env.RABBITMQ_URL, log, namespace: "sock-shop" });
    stop = embedded.stop;
    const kubeconfig = path.relative(process.cwd(), embedded.controlPlane.kubeconfigPath);
    const services = [target.entryService, target.brokerEndpoint, `${target.brokerEndpoint}-management`, ...embedded.local.supervisor.names()];
    const endpoints = [...new Set(services)].flatMap((service) => {
      try {
        return [`${service}=${embedded.local.endpoint(service)}`];
      } catch {
        return [];
      }
    });
    // The broker URL carries credentials: it goes to a file only this user reads, never to the terminal.
    const endpointsFile = path.join(workDir, runId, "endpoints.env");
    fs.writeFileSync(endpointsFile, `${CLUSTER_ENV.endpoints}=${endpoints.join(",")}\n`, { mode: 0o600 });
    console.log(`Sock Shop is up in ${((performance.now() - started) / 1000).toFixed(1)} s on an embedded Kubernetes cluster (namespace ${embedded.namespace})`);
    console.log(`  shop:     ${embedded.local.endpoint(target.entryService)}/   (log in as user / password)`);
    console.log(`  kubectl:  kubectl --kubeconfig ${kubeconfig} -n ${embedded.namespace} get deploy,pods`);
    console.log(`            kubectl --kubeconfig ${kubeconfig} -n ${embedded.namespace} scale deploy/queue-master --replicas=0`);
    console.log(`  game day, as against your own cluster (endpoints in ${path.relative(process.cwd(), endpointsFile)}):`);
    const loadEndpoints = `env "$(cat ${path.relative(process.cwd(), endpointsFile)})"`;
    console.log(`            ${loadEndpoints} npx tsx bin/gameday.ts run --platform kubernetes --kubeconfig ${kubeconfig} --namespace ${embedded.namespace} --allow-namespace ${embedded.namespace} scenarios/queue-consumer-outage.yaml`);
  } else {
    const platform = await LocalPlatform.start({ target, runId, workDir, sharedBrokerUrl: process.env.RABBITMQ_URL, log });
    stop = () => platform.dispose();
    console.log(`Sock Shop is up in ${(platform.bootMs / 1000).toFixed(1)} s (RabbitMQ: ${platform.broker.origin}, ${platform.broker.display})`);
    console.log(`  shop:   ${platform.endpoint(target.entryService)}/   (log in as user / password)`);
  }
  console.log(`  logs:   ${path.relative(process.cwd(), path.join(workDir, runId, "logs"))}/`);
  console.log("Ctrl-C stops everything.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stop();
  console.log("stopped");
  return 0;
}

async function down(): Promise<number> {
  const nodes = await sweepOrphanedNodes();
  const planes = await sweepOrphanedControlPlanes();
  const vhosts = orphaned("vhost").length;
  console.log(`stopped ${nodes} private RabbitMQ node(s) and ${planes} embedded control-plane process(es) left by crashed runs`);
  if (vhosts > 0) console.log(`${vhosts} vhost(s) of crashed runs remain on RABBITMQ_URL; the next run with RABBITMQ_URL removes them`);
  return 0;
}

const commands: Record<string, (args: string[]) => Promise<number>> = {
  run,
  validate,
  plan,
  restore: restoreCommand,
  report: async () => {
    console.log(`report: ${await report()}`);
    return 0;
  },
  up,
  down,
};

const [command, ...rest] = process.argv.slice(2);
if (command === "--help" || command === "help") {
  console.log(USAGE);
  process.exit(0);
}
const handler = command ? commands[command] : undefined;
if (!handler) {
  console.error(`gameday: ${command ? `unknown command "${command}"` : "no command given"}\n\n${USAGE}`);
  process.exit(EXIT_CODES["invalid input"]);
}
handler(rest).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`gameday: ${error.message}\n\n${USAGE}`);
      process.exit(EXIT_CODES["invalid input"]);
    }
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof ScenarioError ? EXIT_CODES["invalid input"] : EXIT_CODES["harness error"]);
  },
);
