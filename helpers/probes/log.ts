// log: lines of a deployment's logs matching a pattern since a moment; their absence is a signal too.
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { defineProbe, momentOf, SINCE } from "./probe.ts";

export const log = defineProbe({
  kind: "log",
  fields: { deployment: Name, pattern: z.string().min(1), since: z.enum(SINCE).default("phase-start") },
  summary: "log lines matching a pattern since a moment",
  reading: { count: "number", seen: "flag" },
  timeline: ["count"],
  subject: (spec) => `logs of ${spec.deployment} matching /${spec.pattern}/`,
  read: (spec, { platform, moments }) => {
    const regex = new RegExp(spec.pattern);
    return async () => {
      const count = (await platform.logs(spec.deployment, momentOf(spec.since, moments()))).filter((line) => regex.test(line.text)).length;
      return { count, seen: count > 0 };
    };
  },
});
