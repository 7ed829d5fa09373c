// The zod primitives every part of a scenario is written in: durations and names. They live below
// the scenario schema so that each fault and probe can define its own fields with them.
import * as z from "zod";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** "500ms", "30s", "2m", "1h" → milliseconds. */
export const Duration = z
  .string({ error: 'use a duration such as "500ms", "30s", "2m" or "1h"' })
  .regex(DURATION, { error: 'use a duration such as "500ms", "30s", "2m" or "1h"' })
  .transform((text) => {
    const [, amount, unit] = DURATION.exec(text) as unknown as [string, string, keyof typeof UNIT_MS];
    return Math.round(Number(amount) * UNIT_MS[unit]);
  });

export const Name = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: "use lower-case letters, digits and dashes, e.g. queue-master" });

/** True for a plain object (not null, not an array): for reading documents that may be malformed. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The fields of a zod object shape as code passes them: a field with a default may be left out
 * (the default is filled in by `withDefaults`); the others are required as the schema says.
 */
export type WithOptionalDefaults<Shape extends z.ZodRawShape> = {
  [K in keyof Shape as Shape[K] extends z.ZodDefault ? never : undefined extends z.output<Shape[K]> ? never : K]: z.output<Shape[K]>;
} & {
  [K in keyof Shape as Shape[K] extends z.ZodDefault ? K : undefined extends z.output<Shape[K]> ? K : never]?: z.output<Shape[K]>;
};

/** The fields of a shape after parsing: defaults filled in. */
export type Resolved<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/** Fills in the defaults a shape declares for the fields code left out (the parser does this for YAML). */
export function withDefaults<Shape extends z.ZodRawShape>(shape: Shape, given: object): Resolved<Shape> {
  const out: Record<string, unknown> = { ...given };
  for (const [key, field] of Object.entries(shape)) {
    if (out[key] === undefined && field instanceof z.ZodDefault) out[key] = field.def.defaultValue;
  }
  return out as Resolved<Shape>;
}
