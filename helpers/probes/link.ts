// link: one timed round trip from a deployment to a dependency, over the path its replicas use.
import { Duration, Name } from "../core/schema-primitives.ts";
import { defineProbe } from "./probe.ts";

export const link = defineProbe({
  kind: "link",
  fields: { from: Name, to: Name, timeout: Duration.default(5_000) },
  summary: "one round trip from a deployment to a dependency, over the path its replicas use",
  reading: { latencyMs: "number", answered: "flag" },
  timeline: ["latencyMs"],
  subject: (spec) => `link ${spec.from} → ${spec.to}`,
  read: (spec, { platform }) => async () => {
    const reading = await platform.measureLink(spec.from, spec.to, spec.timeout);
    return { latencyMs: reading.latencyMs, answered: reading.outcome === "answered" };
  },
});
