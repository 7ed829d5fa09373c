// scenarios/schema.json: the scenario schema as JSON Schema, for completion and checking in YAML
// editors (first line of a scenario: `# yaml-language-server: $schema=./schema.json`). Generated from
// ScenarioSpec; tests/framework/json-schema.test.ts fails when the checked-in file is stale, and
// rewrites it when run with --update-snapshots.
import fs from "node:fs";
import * as z from "zod";
import { Comparison, Duration, FaultSpec, InvariantSpec, JourneySpec, Name, ProbeSpec, ScenarioSpec, VariableSpec } from "./schema.ts";

type JsonSchema = Record<string, unknown>;

/** Shared pieces become named $defs instead of being repeated at every use. */
const DEFINITIONS: [z.core.$ZodType, { id: string; description: string }][] = [
  [Name, { id: "name", description: "lower-case letters, digits and dashes, e.g. queue-master" }],
  [Duration, { id: "duration", description: 'a number and a unit with no space: "500ms", "30s", "2m", "1h"' }],
  [ProbeSpec, { id: "probe", description: "what to read: a queue, a deployment, an HTTP endpoint, log lines, or the orders-to-shipments reconciliation" }],
  [InvariantSpec, { id: "invariant", description: "a probe, an expectation on its fields, and a temporal mode" }],
  [Comparison, { id: "comparison", description: 'a number, true/false, a run value such as "${run.ordersPlaced}", or { eq, ne, lt, lte, gt, gte }' }],
  [FaultSpec, { id: "fault", description: "a change that breaks something; reverted after the during phase" }],
  [JourneySpec, { id: "journey", description: "a user journey the target registers, driven in a real browser" }],
  [VariableSpec, { id: "variable", description: "a value, or { default, env, secret, description }; referenced as ${name} in any string value" }],
];

/** A `${name}` reference: the loader replaces it before validation, so it may stand for any value. */
const VARIABLE_REFERENCE: JsonSchema = {
  type: "string",
  pattern: "\\$\\{\\s*[a-zA-Z][a-zA-Z0-9_]*\\s*\\}",
  description: "a ${variable} reference, replaced by the variable's value before validation",
};

const isObject = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null && !Array.isArray(value);

/** Lets a typed leaf (number, boolean, enum, patterned string) also be written as a ${variable}. */
function allowVariables(node: unknown, isRoot = false): unknown {
  if (Array.isArray(node)) return node.map((item) => allowVariables(item));
  if (!isObject(node)) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties" || key === "$defs") {
      // These map names to schemas. `variables:` itself is not substituted, so it stays as it is.
      const entries = Object.entries(value as JsonSchema).map(([name, schema]) => [name, isRoot && (name === "variables" || name === "variable") ? schema : allowVariables(schema)]);
      out[key] = Object.fromEntries(entries);
    } else {
      out[key] = allowVariables(value);
    }
  }
  delete out.format; // zod's "starts_with" is not a JSON Schema format; the pattern says the same
  const type = out.type;
  const typed = type === "number" || type === "integer" || type === "boolean" || (type === "string" && ("pattern" in out || "enum" in out));
  if (!typed || "const" in out) return out;
  const { default: fallback, description, ...rest } = out;
  return {
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
    anyOf: [rest, { $ref: "#/$defs/variable-reference" }],
  };
}

export function generateJsonSchema(): JsonSchema {
  const metadata = z.registry<{ id: string; description: string }>();
  for (const [schema, meta] of DEFINITIONS) metadata.add(schema, meta);
  const generated = z.toJSONSchema(ScenarioSpec, {
    io: "input",
    metadata,
    // Keep the descriptions given with .describe() (they live in zod's global registry).
    override: ({ zodSchema, jsonSchema }) => {
      const description = z.globalRegistry.get(zodSchema)?.description;
      if (description !== undefined && jsonSchema.description === undefined) jsonSchema.description = description;
    },
  }) as JsonSchema;
  const withVariables = allowVariables(generated, true) as JsonSchema;
  const { $schema, $defs, ...body } = withVariables;
  return {
    $schema,
    title: "gameday scenario",
    description:
      "One chaos game day: the fault to inject, the journeys and invariants while it is active, and what must hold before and after. Durations are written 500ms, 30s, 2m or 1h.",
    ...body,
    $defs: { ...($defs as JsonSchema), "variable-reference": VARIABLE_REFERENCE },
  };
}

/** The JSON text of the schema, as checked in. */
export function jsonSchemaText(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(file: string): void {
  fs.writeFileSync(file, jsonSchemaText());
}
