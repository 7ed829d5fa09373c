// promql: an instant PromQL query against the target's monitoring. `value` is the first series'
// value (write the query so it yields one, e.g. with sum()); no series reads exists: false, and
// value stays absent, never 0.
import * as z from "zod";
import { defineProbe } from "./probe.ts";
import { monitoringOf } from "./alert.ts";

export const promql = defineProbe({
  kind: "promql",
  fields: { query: z.string().min(1) },
  summary: "an instant PromQL query against the target's monitoring",
  reading: { value: "number", series: "number", exists: "flag" },
  timeline: ["value"],
  subject: (spec) => `promql ${spec.query}`,
  read: (spec, { platform }) => async () => {
    const result = await monitoringOf(platform, "the promql probe").query(spec.query);
    const first = result[0];
    return first === undefined ? { exists: false, series: 0 } : { exists: true, series: result.length, value: first.value };
  },
});
