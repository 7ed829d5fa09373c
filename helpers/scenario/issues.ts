// zod issues in plain English, with a fix each. The wording is built from the issue's data and the
// schema at the issue's path (a duration, a name, a probe kind), never from zod's own messages,
// except the messages the schema itself chose.
import * as z from "zod";
import { describeNumber, discriminatorOf, discriminatorValues, enumValues, isSchema, objectAt, schemaAt, unwrap } from "./introspect.ts";
import { closest, formatPath, isRecord, listOf, valueAt, type Finding, type PathSegment } from "./problems.ts";
import { Comparison, Duration, Name, NumberOrRunValue, PROBE_FIELDS, ScenarioSpec, VariableSpec } from "./schema.ts";
import { pathKey } from "./variables.ts";

type Issue = z.core.$ZodIssue;
type Schema = z.core.$ZodType;

export interface IssueContext {
  /** The document zod validated. */
  data: unknown;
  /** Values that came from variables (see Substitution.origins). */
  origins: ReadonlyMap<string, { names: string[]; secret: boolean }>;
}

/** Wording for the issues that reach zod's error map: missing keys read "required <type> is missing". */
export const plainEnglish: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === "invalid_type" && issue.input === undefined) return `required ${TYPE_NOUN[issue.expected] ?? issue.expected} is missing`;
  if (issue.code === "invalid_type") return `expected ${EXPECTED[issue.expected] ?? issue.expected}, found ${show(issue.input)}`;
  return undefined;
};

const TYPE_NOUN: Record<string, string> = { string: "string", number: "number", int: "whole number", boolean: "true/false value", array: "list", object: "mapping", record: "mapping" };
const EXPECTED: Record<string, string> = { string: "text", number: "a number", int: "a whole number", boolean: "true or false", array: "a list", object: "a mapping", record: "a mapping" };



/** A value as a reader would write it: "text", 3, true, a list, a mapping, an empty value. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return "an empty value";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return Array.isArray(value) ? "a list" : "a mapping";
}

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const HIDDEN = Symbol("a secret value");

// ---- durations ---------------------------------------------------------------------------------

const UNIT_WORDS: Record<string, string> = {
  ms: "ms", msec: "ms", msecs: "ms", millis: "ms", millisecond: "ms", milliseconds: "ms",
  s: "s", sec: "s", secs: "s", second: "s", seconds: "s",
  m: "m", min: "m", mins: "m", minute: "m", minutes: "m",
  h: "h", hr: "h", hrs: "h", hour: "h", hours: "h",
};
const DURATION_EXAMPLES = 'a number and a unit (ms, s, m or h) with no space, e.g. "500ms", "30s", "2m" or "1h"';

/** What the user most likely meant by a malformed duration: "30 s" → "30s", "5min" → "5m", "1m30s" → "90s". */
export function suggestDuration(input: unknown): string | undefined {
  // A bare number is most likely seconds, or milliseconds when it is large.
  if (typeof input === "number") return input < 0 ? undefined : input >= 1_000 ? `${input}ms` : `${input}s`;
  if (typeof input !== "string") return undefined;
  const text = input.trim().toLowerCase();
  const simple = /^(\d+(?:[.,]\d+)?)\s*([a-z]*)$/.exec(text);
  if (simple) {
    const amount = (simple[1] as string).replace(",", ".");
    const word = simple[2] as string;
    if (word === "") return suggestDuration(Number(amount));
    if (/^(d|days?)$/.test(word)) return `${Number(amount) * 24}h`;
    const unit = UNIT_WORDS[word];
    return unit === undefined ? undefined : `${amount}${unit}`;
  }
  const compound = /^(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?$/.exec(text);
  if (compound && text !== "") {
    const [h, m, s] = [compound[1], compound[2], compound[3]].map((n) => Number(n ?? 0)) as [number, number, number];
    if (s > 0) return `${h * 3600 + m * 60 + s}s`;
    if (m > 0) return `${h * 60 + m}m`;
    return `${h}h`;
  }
  const iso = /^pt(\d+)([hms])$/.exec(text);
  return iso ? `${iso[1] as string}${iso[2] as string}` : undefined;
}

function durationFinding(path: readonly PathSegment[], input: unknown, shown: string): Finding {
  const negative = (typeof input === "number" && input < 0) || (typeof input === "string" && /^\s*-/.test(input));
  const suggestion = negative ? undefined : suggestDuration(input);
  return {
    path,
    code: "invalid_duration",
    message: input === null ? "expected a duration, found an empty value" : `${shown} is not a duration`,
    fix: negative
      ? `a duration cannot be negative; use ${DURATION_EXAMPLES}`
      : suggestion !== undefined
        ? `write "${suggestion}": ${DURATION_EXAMPLES}`
        : `use ${DURATION_EXAMPLES}`,
  };
}

// ---- the translator ----------------------------------------------------------------------------

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");

/** "fault kind", "probe kind", "invariant mode": what a discriminator names, from where it sits. */
function discriminatorNoun(path: readonly PathSegment[], discriminator: string): string {
  if (discriminator === "mode") return "invariant mode";
  if (discriminator === "executor") return "load executor";
  return path.includes("faults") ? "fault kind" : "probe kind";
}

function where(parent: readonly PathSegment[]): string {
  return parent.length === 0 ? "at the top level" : `under ${formatPath(parent)}`;
}

/** What the lists and mappings of a scenario hold, by key. */
const CONTENTS: Record<string, string> = {
  "steady-state": 'a list of invariants, e.g. "- mode: eventually"',
  proof: 'a list of invariants, e.g. "- mode: eventually"',
  after: 'a list of invariants, e.g. "- mode: eventually"',
  invariants: 'a list of invariants, e.g. "- mode: always"',
  faults: 'a list of faults, e.g. "- kind: scale"',
  journeys: 'a list of journeys, e.g. "- journey: checkout"',
  probe: "a mapping such as { kind: queue, name: my-queue }",
  expect: "a mapping from the probe's fields to values, e.g. { depth: 0 }",
};

/** What a field takes, for "add X (…)" and "expected …". */
function describeField(schema: Schema | undefined, expected: string | undefined, key?: PathSegment): string {
  if (typeof key === "string" && Object.hasOwn(CONTENTS, key)) return CONTENTS[key] as string;
  if (isSchema(schema, Duration)) return 'a duration such as "30s"';
  if (isSchema(schema, Name)) return "a name: lower-case letters, digits and dashes";
  const values = enumValues(schema);
  if (values) return `one of ${listOf(values)}`;
  const number = describeNumber(schema);
  if (number) return number;
  const current = schema === undefined ? undefined : unwrap(schema);
  if (current instanceof z.ZodArray) return "a list";
  if (current instanceof z.ZodObject || current instanceof z.ZodRecord) return "a mapping";
  if (current instanceof z.ZodBoolean) return "true or false";
  if (current instanceof z.ZodString) return "text";
  return EXPECTED[expected ?? ""] ?? "a value";
}

function typeNoun(schema: Schema | undefined, expected: string): string {
  if (isSchema(schema, Duration)) return "duration";
  if (isSchema(schema, Name)) return "name";
  return TYPE_NOUN[expected] ?? expected;
}

export function describeIssues(issues: readonly Issue[], context: IssueContext): Finding[] {
  // `{ le: 5 }` fails twice: an unknown key, and then "give at least one of…"; the first says it all.
  const withUnknownKeys = new Set(issues.filter((i) => i.code === "unrecognized_keys").map((i) => pathKey(i.path as PathSegment[])));
  const relevant = issues.filter((i) => !(i.code === "custom" && withUnknownKeys.has(pathKey(i.path as PathSegment[]))));
  return relevant.flatMap((issue) => describeIssue(issue, [], context));
}

function describeIssue(issue: Issue, prefix: readonly PathSegment[], context: IssueContext): Finding[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const schema = schemaAt(ScenarioSpec, path, context.data);
  const key = path.at(-1);
  const parent = path.slice(0, -1);
  const origin = context.origins.get(pathKey(path));
  // With reportInput, a missing key is the one issue whose input is undefined (YAML has no undefined).
  const input: unknown = issue.input;
  const missing = input === undefined;
  // Fixes derived from a secret's value ("did you mean…", "write 30s") would reveal it: they see a placeholder instead.
  const clue: unknown = origin?.secret ? HIDDEN : input;
  const shown = origin?.secret
    ? `the value of \${${origin.names.join("}, ${")}}`
    : origin
      ? `${show(input)} (from \${${origin.names.join("}, ${")}})`
      : show(input);

  switch (issue.code) {
    case "invalid_type": {
      if (missing) {
        return [
          {
            path,
            at: "parent",
            code: "missing_key",
            message: `required ${typeNoun(schema, issue.expected)} is missing`,
            fix: `add "${String(key)}:" ${where(parent)} (${describeField(schema, issue.expected, key)})`,
          },
        ];
      }
      if (isSchema(schema, Duration)) return [durationFinding(path, clue, shown)];
      const whole = issue.expected === "int" || (schema !== undefined && unwrap(schema) instanceof z.ZodNumber && (unwrap(schema) as z.ZodNumber).isInt);
      const expected = isSchema(schema, Name) ? "a name" : whole ? "a whole number" : (EXPECTED[issue.expected] ?? issue.expected);
      return [{ path, code: issue.code, message: `expected ${expected}, found ${shown}`, fix: typeFix(issue.expected, clue, schema, key, path) }];
    }

    case "invalid_format": {
      if (isSchema(schema, Duration)) return [durationFinding(path, clue, shown)];
      if (isSchema(schema, Name)) {
        const suggestion = typeof clue === "string" ? slug(clue) : "";
        return [
          {
            path,
            code: issue.code,
            message: `${shown} is not a valid name`,
            fix: `use lower-case letters, digits and dashes${suggestion !== "" && suggestion !== clue ? `: "${suggestion}"` : ", e.g. queue-master"}`,
          },
        ];
      }
      if (isSchema(schema, NumberOrRunValue) || isSchema(schema, Comparison)) return [comparisonFinding(path, clue, shown, key)];
      if (issue.format === "starts_with" && typeof clue === "string") {
        const prefix = (issue as z.core.$ZodIssueStringStartsWith).prefix;
        return [{ path, code: issue.code, message: `${shown} does not start with "${prefix}"`, fix: `write "${prefix}${clue}"` }];
      }
      if (isSchema(schema, VariableSpec) || path[0] === "variables") {
        return [{ path, code: issue.code, message: `${shown} is not a valid environment variable name`, fix: "use upper-case letters, digits and _, e.g. GAMEDAY_NAMESPACE" }];
      }
      return [{ path, code: issue.code, message: `${shown} is not valid here`, fix: issue.message }];
    }

    case "too_small":
    case "too_big": {
      // zod's own safe-integer bound repeats the field's real bound: skip it.
      if (issue.code === "too_big" && Number(issue.maximum) >= Number.MAX_SAFE_INTEGER) return [];
      if (issue.code === "too_small" && Number(issue.minimum) <= Number.MIN_SAFE_INTEGER) return [];
      if (issue.origin === "number" || issue.origin === "int") {
        const small = issue.code === "too_small";
        const bound = small ? issue.minimum : issue.maximum;
        const relation = small ? (issue.inclusive ? "at least" : "more than") : issue.inclusive ? "at most" : "less than";
        return [{ path, code: issue.code, message: `must be ${relation} ${String(bound)}, found ${shown}`, fix: `use ${describeNumber(schema) ?? "a number in range"}` }];
      }
      if (issue.origin === "array") {
        const custom = !issue.message.startsWith("Too ");
        const items = Number(issue.code === "too_small" ? issue.minimum : issue.maximum);
        return [
          {
            path,
            code: issue.code,
            message: custom ? issue.message : `needs ${issue.code === "too_small" ? "at least" : "at most"} ${items} item${items === 1 ? "" : "s"}`,
            fix: issue.code === "too_small" ? `add ${items === 1 ? "an item" : `${items} items`} to the list ("- …" lines under ${String(key)}:)` : "remove some items",
          },
        ];
      }
      if (issue.origin === "string" && issue.code === "too_small") {
        const fix = typeof key === "number" ? "write some text in the item, or remove it" : `after "${String(key)}:", write ${describeField(schema, "string", key)}, or remove the line if it is optional`;
        return [{ path, code: issue.code, message: "must not be empty", fix }];
      }
      return [{ path, code: issue.code, message: issue.message }];
    }

    case "invalid_value": {
      const values = issue.values.map(String);
      const guess = typeof clue === "string" ? closest(clue, values) : undefined;
      return [
        {
          path,
          code: issue.code,
          message: `${shown} is not one of ${listOf(values.map((v) => `"${v}"`))}`,
          fix: guess !== undefined ? `did you mean "${guess}"?` : `use one of ${listOf(values)}`,
        },
      ];
    }

    case "unrecognized_keys":
      return issue.keys.map((unknown) => unknownKey(path, unknown, context));

    case "invalid_key": {
      const name = String(key);
      const suggestion = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^[^A-Za-z]+/, "");
      return [
        {
          path,
          at: "key",
          code: issue.code,
          message: `"${name}" is not a valid variable name`,
          fix: `start with a letter and use letters, digits and _${suggestion !== "" ? `, e.g. "${suggestion}"` : ""}`,
        },
      ];
    }

    case "invalid_union": {
      const noMatch = issue as { note?: string; discriminator?: string; options?: unknown[] };
      if (noMatch.note === "No matching discriminator" && noMatch.discriminator !== undefined) {
        const container = missing ? valueAt(context.data, parent) : input;
        return [discriminatorFinding(path, noMatch.discriminator, (noMatch.options ?? []).map(String), container, origin?.secret ? shown : undefined)];
      }
      // One member of the union fits the input's shape: report what is wrong inside it.
      const deep = issue.errors.filter((branch) => branch.some((i) => i.path.length > 0 || (i.code !== "invalid_type" && i.code !== "invalid_union")));
      if (deep.length === 1) return (deep[0] as Issue[]).flatMap((i) => describeIssue(i, path, context));
      if (isSchema(schema, Comparison) || isSchema(schema, NumberOrRunValue)) return [comparisonFinding(path, clue, shown, key)];
      if (isSchema(schema, VariableSpec)) {
        return [
          {
            path,
            code: issue.code,
            message: `expected text, a number or a mapping, found ${shown}`,
            fix: `write ${String(key)}: "a value", or ${String(key)}: { default: "a value", env: SOME_ENV_VAR, secret: true }`,
          },
        ];
      }
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.filter((i) => i.code === "invalid_type").map((i) => EXPECTED[i.expected] ?? i.expected)))];
      return [{ path, code: issue.code, message: `expected ${listOf(expected)}, found ${shown}` }];
    }

    case "custom": {
      if (key === "expect") {
        const value = valueAt(context.data, parent);
        const kind = isRecord(value) && isRecord(value.probe) ? String(value.probe.kind) : "";
        const fields = Object.hasOwn(PROBE_FIELDS, kind) ? PROBE_FIELDS[kind as keyof typeof PROBE_FIELDS] : undefined;
        return [{ path, code: issue.code, message: issue.message, fix: fields ? `compare one of the ${kind} probe's fields (${listOf([...fields], "and")}), e.g. ${fields[0] as string}: 0` : "e.g. expect: { depth: 0 }" }];
      }
      return [{ path, code: issue.code, message: issue.message }];
    }

    default:
      return [{ path, code: issue.code, message: issue.message }];
  }
}

function typeFix(expected: string, input: unknown, schema: Schema | undefined, key: PathSegment | undefined, path: readonly PathSegment[]): string | undefined {
  const name = typeof key === "number" ? "the item" : `"${String(key)}:"`;
  if (input === null) return `after ${name}, write ${describeField(schema, expected, key)}, or remove the line if it is optional`;
  if ((expected === "number" || expected === "int") && typeof input === "string" && NUMERIC.test(input)) return `remove the quotes: ${String(key)}: ${input.trim()}`;
  if (expected === "number" || expected === "int") return `use ${describeNumber(schema) ?? "a number"}`;
  if (expected === "boolean" && typeof input === "string") return `write true or false${/^(yes|no|on|off|y|n)$/i.test(input) ? ` (YAML reads "${input}" as text)` : ""}`;
  if (expected === "boolean") return "write true or false";
  if (expected === "array") {
    return isRecord(input)
      ? `this is a list: start each item with "- ", as in "- ${Object.keys(input)[0] ?? "kind"}: …"`
      : `write a list: one "- item" line per item under ${name}`;
  }
  if (expected === "object" || expected === "record") {
    const union = schema === undefined ? undefined : unwrap(schema);
    const discriminator = union === undefined ? undefined : discriminatorOf(union);
    if (union instanceof z.ZodUnion && discriminator !== undefined && typeof input === "string") {
      const guess = closest(input, [...discriminatorValues(union).keys()]);
      if (guess !== undefined) return `write it as a mapping: ${discriminator}: ${guess}, followed by its other keys`;
    }
    return `write "key: value" lines indented under ${typeof key === "number" ? formatPath(path) : name}`;
  }
  if (expected === "string" && (typeof input === "number" || typeof input === "boolean")) return `put it in quotes: "${String(input)}"`;
  return undefined;
}

const OPERATORS: Record<string, string> = { "<=": "lte", ">=": "gte", "<": "lt", ">": "gt", "=": "eq", "==": "eq", "!=": "ne" };
const OPERATORS_BY_NAME: Record<string, true> = { eq: true, ne: true, lt: true, lte: true, gt: true, gte: true };

function comparisonFinding(path: readonly PathSegment[], input: unknown, shown: string, key: PathSegment | undefined): Finding {
  const field = [...path].reverse().find((s): s is string => typeof s === "string" && !Object.hasOwn(OPERATORS_BY_NAME, s)) ?? "depth";
  let fix = `write a number, e.g. ${field}: 0, a comparison such as ${field}: { lte: 5 }, or a run value such as "\${run.ordersPlaced}"`;
  if (typeof input === "string") {
    const operator = /^\s*(<=|>=|!=|==|=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(input);
    if (NUMERIC.test(input)) fix = `remove the quotes: ${String(key)}: ${input.trim()}`;
    else if (operator) fix = `write the comparison as a mapping: ${field}: { ${OPERATORS[operator[1] as string] as string}: ${operator[2] as string} }`;
    else if (input.startsWith("${run.")) fix = 'a run value is written "${run.<name>}" with letters and dots only, e.g. "${run.ordersPlaced}"';
    else if (/^(true|false)$/i.test(input.trim())) fix = `remove the quotes: ${String(key)}: ${input.trim().toLowerCase()}`;
  }
  return { path, code: "invalid_comparison", message: `${shown} is not a number, true/false, a run value or a comparison`, fix };
}

function discriminatorFinding(path: readonly PathSegment[], discriminator: string, options: string[], container: unknown, hidden?: string): Finding {
  const noun = discriminatorNoun(path, discriminator);
  const value = isRecord(container) ? container[discriminator] : undefined;
  if (value === undefined || value === null) {
    return { path, at: "parent", code: "missing_key", message: `required ${noun} is missing`, fix: `add "${discriminator}:" with one of ${listOf(options)}` };
  }
  const guess = typeof value === "string" && hidden === undefined ? closest(value, options) : undefined;
  return {
    path,
    code: `unknown_${discriminator}`,
    message: `${hidden ?? show(value)} is not ${/^[aeiou]/.test(noun) ? "an" : "a"} ${noun}`,
    fix: `${guess !== undefined ? `did you mean "${guess}"? ` : ""}${noun}s: ${listOf(options)}`,
  };
}

/** Other names people use for a key, where edit distance would guess wrong. */
const ALIASES: Record<string, string> = { le: "lte", ge: "gte", max: "lte", min: "gte", equals: "eq", equal: "eq", neq: "ne", timeout: "within", deadline: "within" };

/** Keys that are commonly put at the wrong level, and where they belong. */
const MISPLACED: Record<string, string> = {
  invariants: "invariants go in steady-state (before the fault), during.invariants (while it is active), proof or after (once it is reverted)",
  journeys: "journeys go under during:, e.g. during: { journeys: [ { journey: checkout } ] }",
  load: "load goes under during:",
  revert: "revert goes under recover:, e.g. recover: { revert: true }",
  settle: "settle goes under recover:",
  timeline: "timeline goes under report:",
};

function unknownKey(parent: readonly PathSegment[], key: string, context: IssueContext): Finding {
  const value = valueAt(context.data, parent);
  const parentSchema = schemaAt(ScenarioSpec, parent, context.data);
  const object = objectAt(parentSchema, value);
  const allowed = object ? Object.keys(object.shape) : [];
  const path = [...parent, key];
  const base = { path, at: "key" as const, code: "unrecognized_keys", message: `unknown key "${key}"` };
  const alias = ALIASES[key.toLowerCase()];
  const guess = alias !== undefined && allowed.includes(alias) ? alias : closest(key, allowed);
  if (guess !== undefined) return { ...base, fix: `did you mean "${guess}"?` };

  // A key of another kind of fault/probe/invariant: say which ones have it.
  const union = parentSchema === undefined ? undefined : unwrap(parentSchema);
  const discriminator = union === undefined ? undefined : discriminatorOf(union);
  if (union instanceof z.ZodUnion && discriminator !== undefined && isRecord(value)) {
    const owners = [...discriminatorValues(union)].filter(([, member]) => key in member.shape).map(([name]) => name);
    if (owners.length > 0) {
      const noun = discriminatorNoun(path, discriminator);
      return {
        ...base,
        fix: `"${key}" belongs to ${discriminator} ${listOf(owners)}, and this ${noun.split(" ")[0] as string} is ${discriminator} ${String(value[discriminator])}; its keys are ${listOf(allowed, "and")}`,
      };
    }
    if (discriminator === "mode" && Object.values(PROBE_FIELDS).some((fields) => fields.includes(key))) {
      return { ...base, fix: `put it under expect:, e.g. expect: { ${key}: ${JSON.stringify(value[key]) ?? 0} }` };
    }
  }
  if (parent.length === 0 && Object.hasOwn(MISPLACED, key)) return { ...base, fix: MISPLACED[key] };
  return { ...base, fix: allowed.length > 0 ? `the keys allowed here are ${listOf(allowed, "and")}` : undefined };
}
