// gameday run [scenario.yaml…]: validate every selected scenario (nothing starts unless all are
// valid), pick the platform, run them as Playwright tests, build the report, exit with the verdict.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { formatMs } from "../../helpers/core/time.ts";
import { controlPlaneBinDir } from "../../helpers/platforms/kubernetes/control-plane.ts";
// Settings and the control-plane builder load no API client; the rest comes through ../kubernetes.ts.
import { assertNamespaceAllowed, clusterSettingsFromEnv, namesACluster } from "../../helpers/platforms/kubernetes/settings.ts";
import { shardProblem, type SuiteIdentity, type VerdictFile } from "../../helpers/report/shards.ts";
import { EXIT_CODES } from "../../helpers/report/verdict.ts";
import type { LoadedScenario } from "../../helpers/scenario/loader.ts";
import { scenarioFilesIn } from "../../helpers/scenario/selection.ts";
import { formatValidation, validateFiles } from "../../helpers/scenario/validate.ts";
import { kubernetesCluster } from "../kubernetes.ts";
import { CLUSTER_OPTIONS, clusterEnvOf, MONITORING_OPTIONS, monitoringEnvOf, parseCommandLine, PLATFORM_OPTION, platformOf, VAR_OPTION, variablesOf } from "../options.ts";
import { REPORTS, ROOT } from "../paths.ts";
import { platformFor, PROJECTS } from "../platforms.ts";
import { TARGETS, targetLoadFlows, targetRuleFiles } from "../targets.ts";
import { handleInterrupts, interruptName, openFaults, signalGroup } from "../interrupts.ts";
import { buildReport } from "./report.ts";
import { REPORTER_OPTION, reporterEnv, summaryLines } from "./run-output.ts";
import { facilitationRefusal, RunSession, SESSION_OPTIONS } from "./run-session.ts";

const RUN = {
  command: "run",
  options: {
    ...PLATFORM_OPTION,
    tag: { value: "tag", multiple: true },
    grep: { value: "text" },
    ...VAR_OPTION,
    shard: { value: "i/n", check: shardProblem },
    ...CLUSTER_OPTIONS,
    ...MONITORING_OPTIONS,
    ...REPORTER_OPTION,
    ...SESSION_OPTIONS,
  },
  positionals: "files",
  passthrough: true,
} as const;

function scenarioFiles(files: string[]): string[] {
  return files.length > 0 ? files.map((f) => path.resolve(f)) : scenarioFilesIn(path.join(ROOT, "scenarios"));
}

interface PlaywrightRun {
  exit: Promise<number>;
  /** The signal that interrupted the run, if one did. */
  interrupted: () => NodeJS.Signals | undefined;
}

function playwright(args: string[], env: NodeJS.ProcessEnv, session?: RunSession): PlaywrightRun {
  const cli = path.join(ROOT, "node_modules", "@playwright", "test", "cli.js");
  // Its own process group: a terminal's Ctrl-C reaches this process only, and this process decides
  // what Playwright gets: exactly one SIGINT to runner and workers (its graceful stop: journeys stop,
  // fixture teardown reverts the faults, then stops the stack), however the interrupt was sent.
  const child = spawn(process.execPath, [cli, "test", ...args], { cwd: ROOT, stdio: [session?.stdin ?? "inherit", "inherit", "inherit"], detached: true, env: { ...process.env, ...env } });
  session?.started(child);
  const interrupts = handleInterrupts(
    (signal) => {
      console.error(`\ngameday: ${interruptName(signal)}: interrupted; stopping the journeys, reverting the faults, then stopping the stack (${interruptName(signal)} again exits at once)`);
      signalGroup(child.pid, "SIGINT");
    },
    (signal) => {
      // At once: no teardown. Replicas and the browser die with their pipes; the ledger stays open.
      signalGroup(child.pid, "SIGKILL");
      const open = openFaults();
      console.error(
        `gameday: ${interruptName(signal)} again: exited at once, without finishing the reverts. ` +
          (open.length > 0 ? `Still applied, by the ledger: ${open.join("; ")}. ` : "The ledger holds no applied fault. ") +
          "`npx tsx bin/gameday.ts restore` reverts what is left and stops the processes the run started.",
      );
      process.exit(EXIT_CODES["harness error"]);
    },
  );
  const exit = new Promise<number>((resolve) =>
    child.on("exit", (code) => {
      interrupts.dispose();
      // A straggler of the group (none expected): the run owns it, so it does not outlive the run.
      signalGroup(child.pid, "SIGKILL");
      resolve(code ?? EXIT_CODES["harness error"]);
    }),
  );
  return { exit, interrupted: () => interrupts.signal };
}

/** What `gameday merge` compares to tell the shards of one run from others. */
function suiteOf(selected: readonly LoadedScenario[], platform: string, variables: Record<string, string>): SuiteIdentity {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
  let commit: string | undefined;
  try {
    commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    commit = undefined; // not a git checkout
  }
  const byName = [...selected].sort((a, b) => a.scenario.name.localeCompare(b.scenario.name));
  const selection = createHash("sha256");
  for (const s of byName) selection.update(`${s.scenario.name}\0${fs.readFileSync(s.file, "utf8")}\0`);
  selection.update(JSON.stringify(variables));
  return { gameday: version, commit, platform, scenarios: byName.map((s) => s.scenario.name), selection: selection.digest("hex") };
}

function readVerdict(): VerdictFile | undefined {
  const file = path.join(REPORTS, "verdict.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as VerdictFile;
}

/** "queue-consumer-outage: monitoring noticed in 16.6 s (notified 17.5 s); recovered in 1.4 s; …" */
function keyTimeLines(verdict: VerdictFile): string[] {
  const words: Record<string, string> = { detect: "monitoring noticed in", notify: "notified in", recover: "recovered in", drain: "drained in", resolve: "alert resolved in" };
  return (verdict.tests ?? []).flatMap((t) => {
    const times = Object.entries(t.times ?? {});
    if (times.length === 0) return [];
    return [`  ${t.title.split(" › ").at(-1) ?? t.title}: ${times.map(([what, ms]) => `${words[what] ?? `time to ${what}`} ${formatMs(ms)}`).join("; ")}`];
  });
}

export async function run(args: string[]): Promise<number> {
  const { values, files: named, passthrough } = parseCommandLine(RUN, args);
  // A facilitated run needs a person at a terminal: refused before anything else, so CI never waits on it.
  if (values.facilitate && !process.stdin.isTTY) {
    console.error(`gameday: ${facilitationRefusal(false, 1) ?? ""}`);
    return EXIT_CODES["invalid input"];
  }
  const cluster = clusterEnvOf(values);
  // Refuse bad cluster settings here, before any worker starts (exit 2, nothing touched).
  const clusterSettings = clusterSettingsFromEnv({ ...process.env, ...cluster });
  const variables = variablesOf(values.var);
  const tags = values.tag ?? [];
  const files = scenarioFiles(named);
  // Nothing runs, nothing is touched, unless every selected scenario is valid.
  // With a team's own Prometheus (--prometheus) its rules are not ours to check here.
  const validation = validateFiles(files, { variables, targetRuleFiles: values.prometheus ? undefined : targetRuleFiles, targetLoadFlows });
  if (validation.failures.length > 0) {
    console.error(formatValidation(validation));
    return EXIT_CODES["invalid input"];
  }
  const selected = validation.ok.filter(
    (s) => (tags.length === 0 || tags.some((t) => s.scenario.tags.includes(t))) && (!values.grep || s.scenario.name.includes(values.grep)),
  );
  if (selected.length === 0) {
    console.error(`gameday: no scenario matches (${files.length} file(s), tags ${tags.join(", ") || "any"}, grep ${values.grep ?? "none"})`);
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
  const refusal = values.facilitate ? facilitationRefusal(true, selected.length) : undefined;
  if (refusal) {
    console.error(`gameday: ${refusal}`);
    return EXIT_CODES["invalid input"];
  }
  const { platform, from } = platformFor(selected, platformOf(values.platform), cluster);
  if (from === "scenarios" && platform !== "local") console.log(`gameday: platform ${platform}, as the scenarios declare (--platform overrides it)`);
  if (platform === "kubernetes" && namesACluster(clusterSettings)) {
    // Refuse a wrong kubeconfig, context or namespace here, offline, before any worker starts.
    if (clusterSettings.namespace) assertNamespaceAllowed(clusterSettings.namespace, clusterSettings.allowedNamespaces);
    const { connectCluster } = await kubernetesCluster();
    const connected = connectCluster({ kubeconfig: clusterSettings.kubeconfig, context: clusterSettings.context });
    const namespace = clusterSettings.namespace ?? connected.contextNamespace;
    if (!namespace) throw new ScenarioError(`no namespace: context ${connected.context} names none; pass --namespace <ns>`);
    assertNamespaceAllowed(namespace, clusterSettings.allowedNamespaces);
  }
  if (platform === "kubernetes" && !namesACluster(clusterSettings)) {
    // The embedded cluster's binaries: built here, in the open, rather than inside a worker's timeout.
    console.log("gameday: no cluster named (--kubeconfig, --context, --namespace): using the embedded Kubernetes control plane");
    await controlPlaneBinDir({ log: (line) => console.log(line) });
  }
  // --live, --facilitate: the run channel; a facilitator may decline the plan here (nothing started).
  const [first] = selected;
  const title = selected.length === 1 ? (first?.scenario.name ?? "") : `${selected.length} game days`;
  const session = (values.live || values.facilitate) && first ? await RunSession.start({ loaded: first, title, platform, live: values.live === true, facilitate: values.facilitate === true, reportsDir: REPORTS }) : undefined;
  if (values.facilitate && !session) return EXIT_CODES["invalid input"];
  const env = {
    ...session?.env,
    GAMEDAY_SUITE: JSON.stringify(suiteOf(selected, platform, variables)),
    GAMEDAY_PROGRESS: "1",
    ...reporterEnv(values.reporter),
    GAMEDAY_SCENARIOS: selected.map((s) => s.file).join(path.delimiter),
    GAMEDAY_VARIABLES: JSON.stringify(variables),
    ...cluster,
    ...monitoringEnvOf(values),
  };
  // A shard takes its share of the scenarios, not of the files (they all live in one spec file), and
  // runs them one after the other in one worker, as an unsharded run does.
  const sharding = values.shard ? [`--shard=${values.shard}`, "--fully-parallel", "--workers=1"] : [];
  const started = performance.now();
  const runner = playwright([`--project=${PROJECTS[platform]}`, "tests/scenarios/scenarios.spec.ts", ...sharding, ...(session?.playwrightArgs ?? []), ...passthrough], env, session);
  const playwrightExit = await runner.exit;
  const closing = await session?.finish();
  const interrupted = runner.interrupted();
  if (interrupted) return reportInterrupt(interrupted, performance.now() - started);
  const verdict = readVerdict();
  let reportPath = "(not built)";
  try {
    reportPath = await buildReport();
  } catch (error) {
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`
${closing?.verdictLine ?? `gameday ${verdict ? `verdict: ${verdict.verdict} (${verdict.passed} passed, ${verdict.failed} failed)` : "verdict: harness error (the run produced no verdict)"}`}${verdict && keyTimeLines(verdict).length > 0 ? `\n${keyTimeLines(verdict).join("\n")}` : ""}
${summaryLines(REPORTS).join("\n")}
  report: ${reportPath}   (one file; open it in a browser)
  junit:  ${path.relative(process.cwd(), path.join(REPORTS, "junit", "results.xml"))}${values.shard ? `\n  shard ${values.shard}: one verdict for the run with gameday merge <each shard's reports directory>` : ""}`);
  if (closing?.exitCode !== undefined) return closing.exitCode;
  if (!verdict) return EXIT_CODES["harness error"];
  if (playwrightExit !== 0 && verdict.exitCode === 0) return EXIT_CODES["harness error"];
  return verdict.exitCode;
}

/** An interrupted run has no verdict on the system: it says what it left, and the way to repair it. */
function reportInterrupt(signal: NodeJS.Signals, afterMs: number): number {
  const open = openFaults();
  console.log(`
gameday verdict: interrupted (${interruptName(signal)}, after ${formatMs(afterMs)}; not a verdict on the system)
  ${open.length === 0 ? "faults: every fault was reverted; the stack is stopped" : `still applied, by the ledger: ${open.join("; ")}: \`npx tsx bin/gameday.ts restore\` reverts them`}
  results so far: ${path.relative(process.cwd(), path.join(REPORTS, "allure-results"))} (\`gameday report\` builds the HTML report)`);
  return EXIT_CODES["harness error"];
}
