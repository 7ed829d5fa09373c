// Turns a scenario's `expect: { consumers: 0, depth: { lte: 5 } }` into a Condition over a probe's
// reading. Run values ("${run.ordersPlaced}") are resolved at each evaluation, so they may grow.
import { ScenarioError } from "../core/errors.ts";
import type { Condition } from "../invariants/temporal.ts";
import type { Reading } from "../probes/probe.ts";
import type { z } from "zod";
import type { Comparison } from "./schema.ts";

export type RunValues = Record<string, number>;
type ComparisonSpec = z.output<typeof Comparison>;
type Operand = number | string;

const OPERATORS = {
  eq: { symbol: "=", test: (a: number, b: number) => a === b },
  ne: { symbol: "≠", test: (a: number, b: number) => a !== b },
  lt: { symbol: "<", test: (a: number, b: number) => a < b },
  lte: { symbol: "≤", test: (a: number, b: number) => a <= b },
  gt: { symbol: ">", test: (a: number, b: number) => a > b },
  gte: { symbol: "≥", test: (a: number, b: number) => a >= b },
} as const;
type Operator = keyof typeof OPERATORS;

const RUN_VALUE = /^\$\{run\.([a-zA-Z.]+)\}$/;

function resolve(operand: Operand, values: () => RunValues): number {
  if (typeof operand === "number") return operand;
  const name = RUN_VALUE.exec(operand)?.[1];
  const value = name === undefined ? undefined : values()[name];
  if (value === undefined) {
    throw new ScenarioError(`unknown run value ${operand}; known: ${Object.keys(values()).map((k) => `\${run.${k}}`).join(", ") || "none"}`);
  }
  return value;
}

const show = (operand: Operand): string => (typeof operand === "number" ? String(operand) : operand.replace(/^\$\{run\.(.+)\}$/, "$1"));

interface Clause {
  field: string;
  describe(values: () => RunValues): string;
  holds(reading: Reading, values: () => RunValues): boolean;
}

function clauses(field: string, spec: ComparisonSpec): Clause[] {
  if (typeof spec === "boolean") {
    return [{ field, describe: () => `${field} ${spec ? "true" : "false"}`, holds: (r) => r[field] === spec }];
  }
  const pairs: [Operator, Operand][] =
    typeof spec === "object" ? (Object.entries(spec).filter(([, v]) => v !== undefined) as [Operator, Operand][]) : [["eq", spec]];
  return pairs.map(([op, operand]) => ({
    field,
    describe: (values) => {
      const resolved = typeof operand === "string" ? ` (now ${resolve(operand, values)})` : "";
      return `${field} ${OPERATORS[op].symbol} ${show(operand)}${resolved}`;
    },
    holds: (reading, values) => {
      const actual = reading[field];
      return typeof actual === "number" && OPERATORS[op].test(actual, resolve(operand, values));
    },
  }));
}

/** A condition that holds when every field of the reading satisfies its comparison. */
export function expectation(expect: Record<string, ComparisonSpec>, values: () => RunValues = () => ({})): Condition<Reading> {
  const all = Object.entries(expect).flatMap(([field, spec]) => clauses(field, spec));
  return {
    get description() {
      return all.map((c) => c.describe(values)).join(" and ");
    },
    holds: (reading) => all.every((c) => c.holds(reading, values)),
  };
}
