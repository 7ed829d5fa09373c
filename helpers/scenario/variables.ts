// Scenario variables: `${name}` in any string value is replaced before validation. A value comes
// from, highest first: the caller (CLI --var name=value), the variable's own `env`, GAMEDAY_VAR_<NAME>,
// then its default (or plain value). `${run.x}` is a run value, resolved while the game day runs, and
// is left alone; `$${x}` is a literal "${x}". Variables are not substituted inside `variables:` itself.
import type { Finding, PathSegment } from "./problems.ts";
import { closest, isRecord, listOf } from "./problems.ts";
import { VariableSpec } from "./schema.ts";

export interface VariableSources {
  /** From the command line (--var name=value); names the scenario does not declare are ignored. */
  variables?: Readonly<Record<string, string>> | undefined;
  /** Defaults to process.env. An empty environment variable counts as unset. */
  env?: NodeJS.ProcessEnv | undefined;
}

export interface Substitution {
  /** A copy of the document with every reference replaced. */
  data: unknown;
  /** The values of secret variables, as resolved. */
  secrets: string[];
  /** Everything to keep out of messages: resolved secret values and secret defaults written in the file. */
  hidden: string[];
  findings: Finding[];
  /** Per value that used variables (keyed by pathKey): the names used, and whether one was secret. */
  origins: Map<string, { names: string[]; secret: boolean }>;
  /** Paths whose whole string was one reference: the loader may turn these into numbers or booleans. */
  whole: PathSegment[][];
  /** Paths whose references could not be resolved: validation problems there would only repeat the cause. */
  broken: PathSegment[][];
}

interface Variable {
  value: string | undefined;
  secret: boolean;
  hidden: string[];
}

const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}$/;
const VARIABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

export const pathKey = (path: readonly PathSegment[]): string => JSON.stringify(path);

export const envName = (name: string): string => `GAMEDAY_VAR_${name.toUpperCase()}`;

function declare(document: Record<string, unknown>, sources: VariableSources, findings: Finding[]): Map<string, Variable> {
  const out = new Map<string, Variable>();
  const declared = document.variables;
  if (!isRecord(declared)) return out;
  const env = sources.env ?? process.env;
  const fromEnv = (name: string | undefined): string | undefined => {
    const value = name === undefined ? undefined : env[name];
    return value === undefined || value === "" ? undefined : value;
  };
  for (const [name, raw] of Object.entries(declared)) {
    const parsed = VariableSpec.safeParse(raw);
    if (!parsed.success) {
      // The schema reports what is wrong with the declaration; references to it are not reported again.
      out.set(name, { value: undefined, secret: false, hidden: [] });
      continue;
    }
    const spec = typeof parsed.data === "object" ? parsed.data : { default: parsed.data, secret: false, env: undefined };
    const fallback = spec.default === undefined ? undefined : String(spec.default);
    const value = sources.variables?.[name] ?? fromEnv(spec.env) ?? fromEnv(envName(name)) ?? fallback;
    const hidden = spec.secret ? [value, fallback].filter((v): v is string => v !== undefined && v !== "") : [];
    out.set(name, { value, secret: spec.secret, hidden });
    if (value === undefined) {
      const ways = [`pass --var ${name}=…`, ...(spec.env === undefined ? [] : [`set ${spec.env}`]), `set ${envName(name)}`, `give it a default`];
      findings.push({
        path: ["variables", name],
        at: "key",
        code: "variable_without_value",
        message: `variable "${name}" has no value`,
        fix: `${listOf(ways)}${spec.secret ? " (it is secret: prefer the environment to the file)" : ""}`,
      });
    }
  }
  return out;
}

/** Replaces `${name}` references throughout the document (see the file comment for the rules). */
export function substitute(document: unknown, sources: VariableSources = {}): Substitution {
  const findings: Finding[] = [];
  const origins = new Map<string, { names: string[]; secret: boolean }>();
  const whole: PathSegment[][] = [];
  const broken: PathSegment[][] = [];
  const variables = isRecord(document) ? declare(document, sources, findings) : new Map<string, Variable>();
  const names = [...variables.keys()];

  const undefinedReference = (path: PathSegment[], token: string, name: string): Finding => {
    const guess = closest(name, names);
    const declareIt = `declare it at the top level: variables: { ${name}: "its value" }`;
    return {
      path,
      token,
      code: "undefined_variable",
      message: `${token} refers to a variable that is not declared`,
      fix:
        guess !== undefined
          ? `did you mean \${${guess}}?`
          : names.length > 0
            ? `the declared variables are ${listOf(names, "and")}; or ${declareIt}`
            : declareIt,
    };
  };

  const replaceIn = (text: string, path: PathSegment[]): string => {
    const used: string[] = [];
    let secret = false;
    let ok = true;
    const out = text.replace(REFERENCE, (token: string, escaped: string, inner: string) => {
      if (escaped !== "") return token.slice(1);
      const name = inner.trim();
      if (name.startsWith("run.")) return token;
      if (!VARIABLE_NAME.test(name)) {
        ok = false;
        const envLike = /^env\.([A-Z_][A-Z0-9_]*)$/.exec(name);
        findings.push({
          path,
          token,
          code: "bad_reference",
          message: `${token} is not a variable reference`,
          fix: envLike
            ? `declare a variable that reads the environment, e.g. variables: { value: { env: ${envLike[1] as string} } }, and write \${value}`
            : 'variable names start with a letter and use letters, digits and _ (e.g. ${namespace}); a run value is written "${run.ordersPlaced}"; write $${ for a literal "${"',
        });
        return token;
      }
      const variable = variables.get(name);
      if (variable === undefined) {
        ok = false;
        findings.push(undefinedReference(path, token, name));
        return token;
      }
      if (variable.value === undefined) {
        ok = false; // reported once, at its declaration
        return token;
      }
      used.push(name);
      secret ||= variable.secret;
      return variable.value;
    });
    const unclosed = /\$\{[^}]*$/.exec(text.replace(REFERENCE, ""));
    if (unclosed) {
      ok = false;
      findings.push({ path, token: "${", code: "bad_reference", message: `${unclosed[0]} has no closing }`, fix: `write ${unclosed[0]}}` });
    }
    if (!ok) broken.push(path);
    if (used.length > 0) origins.set(pathKey(path), { names: used, secret });
    if (ok && used.length === 1 && WHOLE_REFERENCE.test(text)) whole.push(path);
    return out;
  };

  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === "string") return value.includes("${") ? replaceIn(value, path) : value;
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = path.length === 0 && key === "variables" ? item : walk(item, [...path, key]);
      return out;
    }
    return value;
  };

  const data = walk(document, []);
  const secrets = [...variables.values()].filter((v) => v.secret && v.value !== undefined).map((v) => v.value as string);
  const hidden = [...new Set([...variables.values()].flatMap((v) => v.hidden))];
  return { data, secrets, hidden, findings, origins, whole, broken };
}
