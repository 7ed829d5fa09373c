// Reading the scenario schema itself: which schema applies at a path of a given document (choosing
// the member of a discriminated union by the data's own `kind`/`mode`), which keys a level allows,
// what a field expects. Used to word problems and to suggest fixes; never to validate.
import * as z from "zod";
import { isRecord, type PathSegment } from "./problems.ts";

type Schema = z.core.$ZodType;

/** Strips optional/default/nullable wrappers and transforms down to the schema that reads the input. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
}

/** True when `schema` is `target` under optional/default wrappers (`Duration.default(0)` is Duration, `Name.describe(…)` is Name). */
export function isSchema(schema: Schema | undefined, target: Schema): boolean {
  let current = schema;
  while (current !== undefined) {
    // A clone made by .describe()/.meta() shares its definition with the original.
    if (current === target || current._zod.def === target._zod.def) return true;
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable) current = current.unwrap();
    else return false;
  }
  return false;
}


export function discriminatorOf(schema: Schema): string | undefined {
  return schema instanceof z.ZodDiscriminatedUnion ? (schema._zod.def.discriminator) : undefined;
}

/** The literal values each member of a discriminated union takes for its discriminator. */
export function discriminatorValues(union: z.ZodUnion): Map<string, z.ZodObject> {
  const key = discriminatorOf(union);
  const out = new Map<string, z.ZodObject>();
  if (key === undefined) return out;
  for (const option of union.options) {
    if (!(option instanceof z.ZodObject)) continue;
    const literal = option.shape[key];
    if (literal instanceof z.ZodLiteral) for (const value of literal.values) out.set(String(value), option);
  }
  return out;
}

/** The member of a union that applies to this value, if one can be told apart. */
function member(union: z.ZodUnion, value: unknown): Schema | undefined {
  const key = discriminatorOf(union);
  if (key !== undefined) return isRecord(value) ? discriminatorValues(union).get(String(value[key])) : undefined;
  const options = union.options.map((o) => unwrap(o));
  if (isRecord(value)) return options.find((o) => o instanceof z.ZodObject || o instanceof z.ZodRecord);
  if (Array.isArray(value)) return options.find((o) => o instanceof z.ZodArray);
  return undefined;
}

/** The schema of the child `segment` of a value read by `schema`. */
function child(schema: Schema, segment: PathSegment, value: unknown): Schema | undefined {
  let current = unwrap(schema);
  if (current instanceof z.ZodUnion) {
    const chosen = member(current, value);
    if (chosen === undefined) return undefined;
    current = unwrap(chosen);
  }
  if (current instanceof z.ZodObject) return current.shape[String(segment)] as Schema | undefined;
  if (current instanceof z.ZodArray) return current.element;
  if (current instanceof z.ZodRecord) return current.valueType;
  return undefined;
}

/** The schema that reads the value at `path` of `data`, or undefined when the path leaves the schema. */
export function schemaAt(root: Schema, path: readonly PathSegment[], data: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = data;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    schema = child(schema, segment, value);
    value = isRecord(value) || Array.isArray(value) ? (value as Record<PathSegment, unknown>)[segment] : undefined;
  }
  return schema;
}

/** The object schema that applies to a mapping value (a union resolved by its discriminator). */
export function objectAt(schema: Schema | undefined, value: unknown): z.ZodObject | undefined {
  if (schema === undefined) return undefined;
  let current = unwrap(schema);
  if (current instanceof z.ZodUnion) {
    const chosen = member(current, value);
    if (chosen === undefined) return undefined;
    current = unwrap(chosen);
  }
  return current instanceof z.ZodObject ? current : undefined;
}

function accepts(schema: Schema | undefined, test: (s: Schema) => boolean): boolean {
  if (schema === undefined) return false;
  const current = unwrap(schema);
  if (current instanceof z.ZodUnion) return current.options.some((o) => accepts(o, test));
  return test(current);
}

export const acceptsNumber = (schema: Schema | undefined): boolean => accepts(schema, (s) => s instanceof z.ZodNumber);
export const acceptsBoolean = (schema: Schema | undefined): boolean => accepts(schema, (s) => s instanceof z.ZodBoolean);

/** "a whole number from 0 to 50", "a number more than 0 and at most 1": what a number field takes. */
export function describeNumber(schema: Schema | undefined): string | undefined {
  if (schema === undefined) return undefined;
  const current = unwrap(schema);
  if (!(current instanceof z.ZodNumber)) return undefined;
  const noun = current.isInt ? "a whole number" : "a number";
  let min: number | undefined, max: number | undefined, gt: number | undefined, lt: number | undefined;
  for (const check of current._zod.def.checks ?? []) {
    const def = check._zod.def as { check: string; value?: unknown; inclusive?: boolean };
    if (typeof def.value !== "number") continue;
    if (def.check === "greater_than" && def.inclusive) min = def.value;
    else if (def.check === "greater_than") gt = def.value;
    else if (def.check === "less_than" && def.inclusive) max = def.value;
    else if (def.check === "less_than") lt = def.value;
  }
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  const parts = [
    min !== undefined ? `at least ${min}` : gt !== undefined ? `more than ${gt}` : undefined,
    max !== undefined ? `at most ${max}` : lt !== undefined ? `less than ${lt}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length === 0 ? noun : `${noun} ${parts.join(" and ")}`;
}

/** The allowed values of an enum field. */
export function enumValues(schema: Schema | undefined): string[] | undefined {
  if (schema === undefined) return undefined;
  const current = unwrap(schema);
  return current instanceof z.ZodEnum ? current.options.map(String) : undefined;
}
