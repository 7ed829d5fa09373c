import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { generateJsonSchema, jsonSchemaText, writeJsonSchema } from "../../helpers/scenario/json-schema.ts";

const CHECKED_IN = "scenarios/schema.json";

test("scenarios/schema.json is up to date with the zod schema (rewrite it with --update-snapshots)", () => {
  const fresh = jsonSchemaText();
  const updating = test.info().config.updateSnapshots === "all" || test.info().config.updateSnapshots === "changed";
  if (updating && fs.readFileSync(CHECKED_IN, "utf8") !== fresh) writeJsonSchema(CHECKED_IN);
  expect(
    fs.readFileSync(CHECKED_IN, "utf8") === fresh,
    `${CHECKED_IN} is stale: run "npx playwright test --project=framework scenario-json-schema --update-snapshots" and commit it`,
  ).toBe(true);
});

test("the JSON Schema names its parts and lets typed values be ${variables}", () => {
  const schema = generateJsonSchema() as {
    title: string;
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, unknown>;
    $defs: Record<string, { description?: string }>;
  };
  expect(schema.title).toBe("gameday scenario");
  expect(schema.required).toEqual(["name", "description", "target", "steady-state", "faults"]);
  expect(schema.additionalProperties).toBe(false);
  expect(Object.keys(schema.$defs).sort()).toEqual(["comparison", "duration", "fault", "invariant", "journey", "name", "probe", "variable", "variable-reference"]);
  expect(schema.$defs.duration).toEqual({
    description: 'a number and a unit with no space: "500ms", "30s", "2m", "1h"',
    anyOf: [{ type: "string", pattern: "^(\\d+(?:\\.\\d+)?)(ms|s|m|h)$" }, { $ref: "#/$defs/variable-reference" }],
  });
  // .describe() texts survive, and `variables:` itself takes no references.
  expect(JSON.stringify(schema.$defs.probe)).toContain("a RabbitMQ queue: depth, consumers, ready, unacked, exists");
  expect(JSON.stringify(schema.properties.variables)).not.toContain("variable-reference");
  expect(JSON.stringify(schema)).not.toContain('"format":"starts_with"');
});
