// The command line of every gameday command: node:util parseArgs, strict. Each refusal becomes a
// UsageError (exit 2) that points at the offending argument on the command line and says the fix,
// rather than Node's generic parse error. Option groups several commands share are declared here once.
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CLUSTER_ENV } from "../helpers/platforms/kubernetes/settings.ts";
import { SCENARIO_PLATFORMS, type ScenarioPlatform } from "../helpers/scenario/platform.ts";

/** A wrong argument: the dispatcher prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** One option. An option takes a value (`value` names it in messages: "--tag <tag>"), unless it is a `flag` ("--live"). */
export interface OptionSpec {
  value: string;
  multiple?: true;
  /** A switch that takes no value (its `value` then says what it does, for messages). */
  flag?: true;
  /** Says what is wrong with a value (and how to write it), or undefined when it is fine. */
  check?: (value: string) => string | undefined;
}
export type OptionSpecs = Record<string, OptionSpec>;
export type OptionValues<S extends OptionSpecs> = { [K in keyof S]?: S[K] extends { flag: true } ? boolean : S[K] extends { multiple: true } ? string[] : string };

export const PLATFORM_OPTION = {
  platform: {
    value: SCENARIO_PLATFORMS.join("|"),
    check: (value) => ((SCENARIO_PLATFORMS as readonly string[]).includes(value) ? undefined : `--platform ${value} is not available; available: ${SCENARIO_PLATFORMS.join(", ")}`),
  },
} as const satisfies OptionSpecs;

export const VAR_OPTION = {
  var: { value: "name=value", multiple: true, check: (value) => (/^[^=]+=/.test(value) ? undefined : `--var takes name=value, got "${value}"`) },
} as const satisfies OptionSpecs;

/** Which cluster, as kubectl picks it. */
export const CLUSTER_CONNECTION_OPTIONS = {
  kubeconfig: { value: "file" },
  context: { value: "name" },
  namespace: { value: "ns" },
} as const satisfies OptionSpecs;

/** With --platform kubernetes: the cluster and what a run may do there. */
export const CLUSTER_OPTIONS = {
  ...CLUSTER_CONNECTION_OPTIONS,
  "allow-namespace": { value: "ns", multiple: true },
  endpoint: { value: "svc=url", multiple: true },
  "max-replicas": { value: "n" },
  "max-percent": { value: "n" },
} as const satisfies OptionSpecs;

/** A team's own monitoring, read-only. Credentials never go on the command line: GAMEDAY_PROMETHEUS_AUTHORIZATION holds an Authorization header. */
export const MONITORING_OPTIONS = {
  prometheus: {
    value: "url",
    check: (value) => {
      try {
        const url = new URL(value);
        if (url.username || url.password) return "--prometheus takes a URL without credentials: put them in GAMEDAY_PROMETHEUS_AUTHORIZATION (e.g. \"Bearer …\"), which is never printed";
        return /^https?:$/.test(url.protocol) ? undefined : `--prometheus takes an http(s) URL, got ${url.protocol}`;
      } catch {
        return `--prometheus takes a URL such as http://127.0.0.1:9090, got "${value}"`;
      }
    },
  },
  alertmanager: {
    value: "url",
    check: (value) => {
      try {
        const url = new URL(value);
        return url.username || url.password ? "--alertmanager takes a URL without credentials: put them in GAMEDAY_ALERTMANAGER_AUTHORIZATION" : undefined;
      } catch {
        return `--alertmanager takes a URL such as http://127.0.0.1:9093, got "${value}"`;
      }
    },
  },
} as const satisfies OptionSpecs;

/** The monitoring options as the variables the Playwright workers read. */
export const monitoringEnvOf = (values: { prometheus?: string | undefined; alertmanager?: string | undefined }): Record<string, string> => ({
  ...(values.prometheus ? { GAMEDAY_PROMETHEUS_URL: values.prometheus } : {}),
  ...(values.alertmanager ? { GAMEDAY_ALERTMANAGER_URL: values.alertmanager } : {}),
});

export interface CommandLine<S extends OptionSpecs> {
  command: string;
  options: S;
  /** The words that are not options: scenario files (each must exist), or none at all. */
  positionals: "files" | "none";
  /** Everything after the first "--" is handed on untouched (to Playwright) instead of being parsed. */
  passthrough?: boolean;
}

export interface Parsed<S extends OptionSpecs> {
  values: OptionValues<S>;
  files: string[];
  passthrough: string[];
}

const quote = (word: string): string => (/^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word));

/** The command line with the argument at `index` underlined, so the message says where, not only what. */
function located(line: CommandLine<OptionSpecs>, args: readonly string[], index: number, message: string, fix: string): UsageError {
  const words = ["gameday", line.command, ...args].map(quote);
  const at = index + 2;
  const before = words.slice(0, at).join(" ").length + 1;
  const marker = `${" ".repeat(before)}${"^".repeat(Math.max(1, words[at]?.length ?? 1))}`;
  return new UsageError(`${message}\n  ${words.join(" ")}\n  ${marker}\n  fix: ${fix}`);
}

const optionsOf = (line: CommandLine<OptionSpecs>): string =>
  Object.entries(line.options).map(([name, spec]) => (spec.flag ? `--${name}` : `--${name} <${spec.value}>`)).join(", ") || "none";

/** Levenshtein distance, for "did you mean": a typo is one or two edits away. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = row;
  }
  return previous[b.length] ?? 0;
}

export function parseCommandLine<S extends OptionSpecs>(line: CommandLine<S>, args: readonly string[]): Parsed<S> {
  const cut = line.passthrough ? args.indexOf("--") : -1;
  const own = cut < 0 ? [...args] : args.slice(0, cut);
  const passthrough = cut < 0 ? [] : args.slice(cut + 1);
  const config = Object.fromEntries(Object.entries(line.options).map(([name, spec]) => [name, { type: spec.flag ? ("boolean" as const) : ("string" as const), multiple: spec.multiple === true }]));
  const specOf = (name: string): OptionSpec | undefined => (Object.hasOwn(line.options, name) ? line.options[name] : undefined);

  // First a lenient pass, for the tokens and their positions: the first problem is reported where it is.
  const { tokens } = parseArgs({ args: own, options: config, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind === "option") {
      const spec = specOf(token.name);
      if (!spec) {
        const near = Object.keys(line.options).find((name) => distance(name, token.name) <= 2);
        const hint = near ? `did you mean --${near}? ` : "";
        throw located(line, args, token.index, `${line.command} does not take ${token.rawName}`, `${hint}${line.command}'s options: ${optionsOf(line)} (see gameday --help)`);
      }
      if (spec.flag) {
        if (token.value !== undefined) throw located(line, args, token.index, `${token.rawName} takes no value, got "${token.value}"`, `write ${token.rawName} alone (${spec.value})`);
        continue;
      }
      const usage = `${token.rawName} <${spec.value}>`;
      if (token.value === undefined) throw located(line, args, token.index, `${token.rawName} needs a value`, usage);
      if (!token.inlineValue && token.value.length > 1 && token.value.startsWith("-")) {
        // parseArgs would take the next option as this one's value; that is nearly always a forgotten value.
        throw located(line, args, token.index, `${token.rawName} needs a value, and the next argument "${token.value}" looks like an option`, `${usage}; a value that starts with "-" is written ${token.rawName}=${token.value}`);
      }
      const wrong = spec.check?.(token.value);
      if (wrong) throw located(line, args, token.inlineValue ? token.index : token.index + 1, wrong, usage);
    } else if (token.kind === "positional") {
      if (line.positionals === "none") {
        const only = Object.keys(line.options).length > 0 ? `; ${line.command}'s options: ${optionsOf(line)}` : "";
        throw located(line, args, token.index, `${line.command} takes no file or other argument, got "${token.value}"`, `drop it${only}`);
      }
      if (!fs.existsSync(token.value)) throw located(line, args, token.index, `no such file: ${token.value}`, "name an existing scenario file or directory");
    }
  }

  // Then the strict parse, which the checks above make succeed; anything they missed is still refused.
  let parsed: ReturnType<typeof parseArgs<{ options: typeof config; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: own, options: config, strict: true, allowPositionals: line.positionals !== "none" });
  } catch (error) {
    throw new UsageError(`${line.command}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // The values' keys and shapes are those of `line.options`, built into `config` above.
  return { values: parsed.values as OptionValues<S>, files: parsed.positionals, passthrough };
}

/** --var name=value… → { name: value } (already checked to have the "=": see VAR_OPTION). */
export function variablesOf(values: readonly string[] | undefined): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of values ?? []) {
    const at = pair.indexOf("=");
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return variables;
}

/** The cluster options given, as the GAMEDAY_* variables the workers read (see settings.ts); absent ones are left out. */
export function clusterEnvOf(values: OptionValues<typeof CLUSTER_OPTIONS>): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | undefined): void => {
    if (value !== undefined) env[name] = value;
  };
  set(CLUSTER_ENV.kubeconfig, values.kubeconfig === undefined ? undefined : path.resolve(values.kubeconfig));
  set(CLUSTER_ENV.context, values.context);
  set(CLUSTER_ENV.namespace, values.namespace);
  set(CLUSTER_ENV.allowedNamespaces, values["allow-namespace"]?.join(","));
  set(CLUSTER_ENV.endpoints, values.endpoint?.join(","));
  set(CLUSTER_ENV.maxReplicas, values["max-replicas"]);
  set(CLUSTER_ENV.maxPercent, values["max-percent"]);
  return env;
}

/** --platform, checked by PLATFORM_OPTION; undefined when not given (the scenarios decide). */
export function platformOf(value: string | undefined): ScenarioPlatform | undefined {
  return SCENARIO_PLATFORMS.find((p) => p === value);
}
