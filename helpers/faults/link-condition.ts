// Link faults: a condition on the path from one deployment to one dependency (a service or the
// broker). `latency` slows every round trip by `delay` ± `jitter`; `blackhole` accepts connections
// and never answers, as a dropped route or a silently discarding firewall would (the connections it
// held are reset when it is lifted). Both read, set and restore the link's condition the same way;
// they differ in the condition and in how its effect shows on a round trip.
import { Duration, Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import type { LinkCondition, LinkReading, Platform } from "../platforms/platform.ts";
import { defineFault, proveWithin } from "./fault.ts";

interface Path {
  from: string;
  to: string;
}

const path = { from: Name, to: Name };
const readLink = async (platform: Platform, spec: Path) => ({ from: spec.from, to: spec.to, condition: await platform.link(spec.from, spec.to) });
const setLink = async (platform: Platform, spec: Path, condition: LinkCondition): Promise<void> => void (await platform.setLink(spec.from, spec.to, condition));
const restoreLink = (platform: Platform, spec: Path, original: { condition: LinkCondition }): Promise<void> => setLink(platform, spec, original.condition);
const roundTrip = (platform: Platform, spec: Path, timeoutMs: number) => ({
  subject: `round trip from ${spec.from} to ${spec.to}`,
  read: () => platform.measureLink(spec.from, spec.to, timeoutMs),
});

export const latency = defineFault({
  kind: "latency",
  requires: "links",
  fields: { ...path, delay: Duration, jitter: Duration.default(0) },
  title: (spec) => `add ${spec.delay} ms${spec.jitter > 0 ? ` ± ${spec.jitter} ms` : ""} of latency from ${spec.from} to ${spec.to}`,
  read: readLink,
  apply: (platform, spec) => setLink(platform, spec, { mode: "latency", delayMs: spec.delay, jitterMs: spec.jitter }),
  prove: async (platform, spec, _original, _applied, title) => {
    // A sample below the delay is possible with jitter; one at or above the floor is the evidence.
    const floor = Math.max(spec.delay - spec.jitter, spec.delay / 2);
    const slow = that<LinkReading>(`an answer taking at least ${floor} ms`, (r) => r.outcome === "answered" && r.latencyMs >= floor);
    const seen = await proveWithin(title, roundTrip(platform, spec, spec.delay + spec.jitter + 5_000), slow, spec.proofTimeoutMs ?? 10_000 + 2 * (spec.delay + spec.jitter));
    return `round trip from ${spec.from} to ${spec.to} answered in ${seen.latencyMs} ms (delay ${spec.delay} ms, jitter ${spec.jitter} ms)`;
  },
  restore: restoreLink,
});

export const blackhole = defineFault<"blackhole", typeof path, Awaited<ReturnType<typeof readLink>>, void, { /** How long a round trip waits before it counts as unanswered. */ answerTimeoutMs?: number }>({
  kind: "blackhole",
  requires: "links",
  fields: path,
  title: (spec) => `blackhole the path from ${spec.from} to ${spec.to}`,
  read: readLink,
  apply: (platform, spec) => setLink(platform, spec, { mode: "blackhole" }),
  prove: async (platform, spec, _original, _applied, title) => {
    const answerTimeoutMs = spec.answerTimeoutMs ?? 1_000;
    const silent = that<LinkReading>(`connected, and no answer within ${answerTimeoutMs} ms`, (r) => r.outcome === "timeout");
    await proveWithin(title, roundTrip(platform, spec, answerTimeoutMs), silent, spec.proofTimeoutMs ?? 10_000);
    return `round trip from ${spec.from} to ${spec.to}: connected, no answer within ${answerTimeoutMs} ms`;
  },
  restore: restoreLink,
});
