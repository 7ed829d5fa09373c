// The fault catalogue: one factory per YAML fault kind. The registry is typed from the scenario
// schema, so a kind without a factory is a compile error; shared code looks faults up here and
// never branches on kind.
import type { PlatformCapability } from "../platforms/platform.ts";
import type { FaultKind, FaultSpec } from "../scenario/schema.ts";
import { blackhole } from "./blackhole.ts";
import { brokenBuild } from "./broken-build.ts";
import { brokerOutage } from "./broker-outage.ts";
import type { Fault } from "./fault.ts";
import { httpError } from "./http-error.ts";
import { killReplica } from "./kill-replica.ts";
import { latency } from "./latency.ts";
import { drainNode } from "./drain-node.ts";
import { isolate } from "./isolate.ts";
import { patchEnv } from "./patch-env.ts";
import { scaleDeployment } from "./scale-deployment.ts";

export type FaultSpecOf<K extends FaultKind> = Extract<FaultSpec, { kind: K }>;
export type FaultFactories = { [K in FaultKind]: (spec: FaultSpecOf<K>) => Fault };

export const faultFactories: FaultFactories = {
  scale: scaleDeployment,
  "kill-replica": killReplica,
  "broken-build": brokenBuild,
  "broker-outage": () => brokerOutage(),
  latency,
  blackhole,
  "http-error": httpError,
  "patch-env": patchEnv,
  isolate,
  "drain-node": drainNode,
};

/** The fault a validated scenario spec describes. */
export function createFault(spec: FaultSpec): Fault {
  return (faultFactories[spec.kind] as (spec: FaultSpec) => Fault)(spec);
}

/**
 * Why a platform with these capabilities cannot run a scenario with these faults, or undefined when
 * it can. Said by `gameday plan` and by the skipped test alike.
 */
export function whyPlatformCannot(platform: string, capabilities: ReadonlySet<PlatformCapability>, specs: readonly FaultSpec[]): string | undefined {
  const missing = specs.map(createFault).filter((fault) => !capabilities.has(fault.requires));
  if (missing.length === 0) return undefined;
  return `the ${platform} platform cannot ${missing.map((f) => `${f.title} (needs "${f.requires}")`).join("; ")}; it can change: ${[...capabilities].join(", ")}`;
}

export { activeFault, type ActiveFault, type Fault, type FaultContext } from "./fault.ts";
export { blackhole, brokenBuild, brokerOutage, drainNode, httpError, isolate, killReplica, latency, patchEnv, scaleDeployment };
