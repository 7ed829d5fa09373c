// The CLI's parseArgs layer (bin/options.ts): every refusal is exit 2 with the argument underlined on
// the command line and a fix; the values come out as the commands and the Playwright workers read them.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { gameday } from "./support/cli.ts";
import { CLUSTER_OPTIONS, clusterEnvOf, parseCommandLine, PLATFORM_OPTION, UsageError, VAR_OPTION, variablesOf, type CommandLine, type OptionSpecs } from "../../bin/options.ts";

const PLAN = { command: "plan", options: { ...PLATFORM_OPTION, ...VAR_OPTION, ...CLUSTER_OPTIONS }, positionals: "files" } as const;
const RUN = { command: "run", options: { ...PLATFORM_OPTION, tag: { value: "tag", multiple: true }, ...VAR_OPTION }, positionals: "files", passthrough: true } as const;
const SCENARIO = "scenarios/payment-latency.yaml";

/** The UsageError `parseCommandLine` throws, or a failure when it parses. */
function refusal<S extends OptionSpecs>(line: CommandLine<S>, args: string[]): string {
  try {
    parseCommandLine(line, args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`expected ${line.command} ${args.join(" ")} to be refused`);
}

test("an unknown option is refused, underlined, with the command's options and a near miss", () => {
  const message = refusal(PLAN, [SCENARIO, "--namspace", "shop"]);
  expect(message.split("\n").slice(0, 3)).toEqual([
    "plan does not take --namspace",
    `  gameday plan ${SCENARIO} --namspace shop`,
    `  ${" ".repeat(`gameday plan ${SCENARIO} `.length)}${"^".repeat("--namspace".length)}`,
  ]);
  expect(message).toContain("fix: did you mean --namespace? plan's options: --platform <local|kubernetes>, --var <name=value>, --kubeconfig <file>");
  // A name Object.prototype has is still unknown.
  expect(refusal(PLAN, ["--constructor", "x"])).toContain("plan does not take --constructor");
  expect(refusal(PLAN, ["-x"])).toContain("plan does not take -x");
});

test("an option without its value is refused at that option, whether it ends the line or another option follows", () => {
  const atEnd = refusal(PLAN, [SCENARIO, "--var"]);
  expect(atEnd.split("\n")).toEqual(["--var needs a value", `  gameday plan ${SCENARIO} --var`, `  ${" ".repeat(`gameday plan ${SCENARIO} `.length)}^^^^^`, "  fix: --var <name=value>"]);
  const swallowed = refusal(RUN, ["--tag", "--platform", "kubernetes"]);
  expect(swallowed).toContain('--tag needs a value, and the next argument "--platform" looks like an option');
  expect(swallowed).toContain(`\n  ${" ".repeat("gameday run ".length)}^^^^^\n`);
  expect(swallowed).toContain('fix: --tag <tag>; a value that starts with "-" is written --tag=--platform');
});

test("a bad value, an argument a command does not take and a missing file are refused where they are", () => {
  const platform = refusal(PLAN, ["--platform", "k8s", SCENARIO]);
  expect(platform).toContain("--platform k8s is not available; available: local, kubernetes");
  expect(platform).toContain(`\n  ${" ".repeat("gameday plan --platform ".length)}^^^\n`); // under the value, not the option
  expect(refusal(PLAN, ["--var", "orders"])).toContain('--var takes name=value, got "orders"');
  expect(refusal({ command: "report", options: {}, positionals: "none" }, ["now"])).toContain('report takes no file or other argument, got "now"');
  expect(refusal(PLAN, ["scenarios/no-such.yaml"])).toContain("no such file: scenarios/no-such.yaml");
});

test("values: repeatable options in order, inline values, everything after -- handed on, cluster options as GAMEDAY_* variables", () => {
  const run = parseCommandLine(RUN, ["--tag", "queue", "--platform=kubernetes", "--tag", "headline", "--var", "orders=3", "--var", "url=http://x/?a=b", SCENARIO, "--", "--headed", "-x"]);
  expect(run.values).toEqual({ tag: ["queue", "headline"], platform: "kubernetes", var: ["orders=3", "url=http://x/?a=b"] });
  expect(run.files).toEqual([SCENARIO]);
  expect(run.passthrough).toEqual(["--headed", "-x"]);
  expect(variablesOf(run.values.var)).toEqual({ orders: "3", url: "http://x/?a=b" });

  const plan = parseCommandLine(PLAN, ["--kubeconfig", "kube/config", "--context", "ctx", "--namespace", "shop", "--allow-namespace", "shop", "--allow-namespace", "shop2", "--endpoint", "front-end=http://127.0.0.1:8079", "--endpoint", "rabbitmq=amqp://127.0.0.1:5672", "--max-replicas", "3", "--max-percent", "50"]);
  expect(clusterEnvOf(plan.values)).toEqual({
    GAMEDAY_KUBECONFIG: path.resolve("kube/config"),
    GAMEDAY_KUBE_CONTEXT: "ctx",
    GAMEDAY_NAMESPACE: "shop",
    GAMEDAY_ALLOWED_NAMESPACES: "shop,shop2",
    GAMEDAY_ENDPOINTS: "front-end=http://127.0.0.1:8079,rabbitmq=amqp://127.0.0.1:5672",
    GAMEDAY_MAX_REPLICAS: "3",
    GAMEDAY_MAX_PERCENT: "50",
  });
  expect(clusterEnvOf(parseCommandLine(PLAN, [SCENARIO]).values), "options not given are not set").toEqual({});
});

test("the CLI: an unknown option and a missing value exit 2 with the located message, never a stack trace", async ({}, testInfo) => {
  const env = { ...process.env, GAMEDAY_STATE_DIR: testInfo.outputPath("state") };
  const unknown = await gameday(["plan", SCENARIO, "--bogus"], env);
  expect(unknown.code, unknown.stderr).toBe(2);
  expect(unknown.stderr).toContain(`gameday: plan does not take --bogus\n  gameday plan ${SCENARIO} --bogus\n`);
  expect(unknown.stderr).toContain("usage: gameday <command> [options]");
  expect(unknown.stderr).not.toMatch(/^\s+at /m);
  const missing = await gameday(["validate", SCENARIO, "--var"], env);
  expect(missing.code, missing.stderr).toBe(2);
  expect(missing.stderr).toContain("gameday: --var needs a value\n");
  expect(missing.stderr).not.toMatch(/^\s+at /m);
  const command = await gameday(["bogus"], env);
  expect(command.code).toBe(2);
  expect(command.stderr).toContain('gameday: unknown command "bogus"');
});
