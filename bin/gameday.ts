#!/usr/bin/env -S node --import tsx
// gameday: validate, plan, run and restore game days; build the report; bring the embedded target
// up. Exit codes follow the CI contract: 0 passed, 1 finding, 2 invalid input, 3 harness error.
// This file only dispatches: each command parses its own options in bin/commands/<command>.ts.
import { ScenarioError } from "../helpers/core/errors.ts";
import { maskSecretsFromEnvironment, redactProcessOutput } from "../helpers/core/redact.ts";
import { EXIT_CODES } from "../helpers/report/verdict.ts";
import { abort } from "./commands/abort.ts";
import { down } from "./commands/down.ts";
import { merge } from "./commands/merge.ts";
import { plan } from "./commands/plan.ts";
import { report } from "./commands/report.ts";
import { restore } from "./commands/restore.ts";
import { run } from "./commands/run.ts";
import { up } from "./commands/up.ts";
import { validate } from "./commands/validate.ts";
import { UsageError } from "./options.ts";

const USAGE = `usage: gameday <command> [options]

  run [scenario.yaml…]   run scenarios (default: every scenarios/*.yaml) as Playwright tests, then build the report
        --platform local|kubernetes   where the target runs (default: the scenarios' platform: key, local
                                      when absent; scenarios that declare different platforms need it)
        --tag <tag>        only scenarios with this tag (repeatable)
        --grep <text>      only scenarios whose name matches
        --var name=value   set a scenario variable (repeatable; also GAMEDAY_VAR_<NAME>)
        --reporter human|playwright   what the terminal shows (default: human, or playwright when CI is set)
        --live             serve a live page of the run on loopback (its URL is printed at the start)
        --facilitate       a facilitator at the terminal (one scenario; refused without a TTY): the plan to
                           approve, the team's predictions, checkpoints before inject and before revert
                           (Enter continues), notes (any line), "abort" (reverts every fault, exit 1)
        --shard i/n        run the i-th of n shares of the scenarios (one runner each; then gameday merge)
        --max-replicas <n>         blast radius: most replicas one fault may take away (default 10)
        --max-percent <n>          blast radius: most of a deployment, in percent (default 100)
      on kubernetes, your cluster (none of these: an embedded control plane):
        --kubeconfig <file>        as kubectl (default $KUBECONFIG, then ~/.kube/config)
        --context <name>           as kubectl (default the current context)
        --namespace <ns>           where the target runs (default the context's namespace)
        --allow-namespace <ns>     allowlist (repeatable; also GAMEDAY_ALLOWED_NAMESPACES); kube-system never
        --endpoint <svc>=<url>     how this machine reaches a service (repeatable), e.g. front-end=http://127.0.0.1:8079
  validate <file…>       check scenario files; every problem with file:line:col and a fix   (--var)
  plan <file>            what the scenario would do and mutate; touches nothing   (--platform, --var, the cluster options)
  restore                revert what the ledger says crashed runs left applied
        --namespace <ns> (+ --kubeconfig, --context)   also revert every game-day change found on that namespace's objects
  report                 build the single-file HTML report from reports/allure-results
  merge <dir…>           the reports directories of a run's shards into one report, JUnit file, verdict and exit code
        --out <dir>        where (default reports/); refused: shards of different suites or versions, one missing or twice
  up [--platform kubernetes]   start the embedded Sock Shop in the foreground (Ctrl-C stops it); with
                         kubernetes, on an embedded cluster, printing how to drive it with kubectl and
                         how to run a game day against it as against your own cluster
  down                   stop what crashed runs left behind (private RabbitMQ nodes, embedded control planes)
  abort                  the kill switch: every game day running on this machine reverts at once and ends as aborted
        --reason <text>    said in the verdict   --target <name>   only game days on this target
        --namespace <ns> (+ --kubeconfig, --context)   also annotate that namespace's lock Lease (stops a run on any machine)

run -- <args>: <args> go to Playwright as they are (e.g. -- --headed)
exit codes: 0 passed · 1 finding · 2 invalid input · 3 harness error`;

const COMMANDS = new Map<string, (args: string[]) => Promise<number>>([
  ["run", run],
  ["validate", validate],
  ["plan", plan],
  ["restore", restore],
  ["report", report],
  ["merge", merge],
  ["up", up],
  ["down", down],
  ["abort", abort],
]);

async function main([command, ...args]: string[]): Promise<number> {
  if (command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return 0;
  }
  // Secrets stay out of what this command prints.
  maskSecretsFromEnvironment();
  redactProcessOutput();
  const handler = command === undefined ? undefined : COMMANDS.get(command);
  if (!handler) {
    console.error(`gameday: ${command === undefined ? "no command given" : `unknown command "${command}"`}\n\n${USAGE}`);
    return EXIT_CODES["invalid input"];
  }
  try {
    return await handler(args);
  } catch (error) {
    // Bad input is a message, never a stack trace; anything else is a harness error.
    if (error instanceof UsageError) {
      console.error(`gameday: ${error.message}\n\n${USAGE}`);
      return EXIT_CODES["invalid input"];
    }
    console.error(`gameday: ${error instanceof Error ? error.message : String(error)}`);
    return error instanceof ScenarioError ? EXIT_CODES["invalid input"] : EXIT_CODES["harness error"];
  }
}

process.exit(await main(process.argv.slice(2)));
