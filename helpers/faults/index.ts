// The fault catalogue: every fault kind a scenario may name, one entry each (helpers/faults/<kind>.ts,
// written with defineFault). The scenario schema's FaultSpec is built from these entries, so a kind
// exists exactly when it has an entry; shared code looks faults up here and never branches on kind.
import * as z from "zod";
import type { PlatformCapability } from "../platforms/platform.ts";
import { brokenBuild } from "./broken-build.ts";
import { brokerOutage } from "./broker-outage.ts";
import { drainNode } from "./drain-node.ts";
import type { Fault, FaultEntry } from "./fault.ts";
import { httpError } from "./http-error.ts";
import { isolate } from "./isolate.ts";
import { killReplica } from "./kill-replica.ts";
import { blackhole, latency } from "./link-condition.ts";
import { patchEnv } from "./patch-env.ts";
import { scaleDeployment } from "./scale-deployment.ts";

/** In the order scenarios/README.md and the JSON Schema list them. */
export const faultCatalogue = [scaleDeployment, killReplica, brokenBuild, brokerOutage, patchEnv, isolate, drainNode, latency, blackhole, httpError] as const;

type Schemas<T extends readonly { schema: unknown }[]> = { -readonly [I in keyof T]: T[I]["schema"] };

export const FaultSpec = z.discriminatedUnion("kind", faultCatalogue.map((f) => f.schema) as unknown as Schemas<typeof faultCatalogue>);
export type FaultSpec = z.output<typeof FaultSpec>;
export type FaultKind = FaultSpec["kind"];
export type FaultSpecOf<K extends FaultKind> = Extract<FaultSpec, { kind: K }>;

const byKind = new Map<string, FaultEntry>(faultCatalogue.map((f) => [f.kind, f as unknown as FaultEntry]));

/** The entry of a fault kind; kinds come from validated scenarios, so a miss is a programming error. */
export function faultEntry(kind: FaultKind): FaultEntry {
  const entry = byKind.get(kind);
  if (!entry) throw new Error(`no fault entry for kind "${kind}"`);
  return entry;
}

/** The fault a validated scenario spec describes. */
export function createFault(spec: FaultSpec): Fault {
  return (faultEntry(spec.kind) as (spec: FaultSpec) => Fault)(spec);
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

export { type ActiveFault, type Fault, type FaultContext } from "./fault.ts";
export { blackhole, brokenBuild, brokerOutage, drainNode, httpError, isolate, killReplica, latency, patchEnv, scaleDeployment };
