// The probe catalogue: every probe kind a scenario may name, one entry each (helpers/probes/<kind>.ts).
// The scenario schema's ProbeSpec, the loader's field checks, plans, the runner and the timeline all
// read from these entries; adding a kind is its file and one line here.
import * as z from "zod";
import { alert } from "./alert.ts";
import { deployment } from "./deployment.ts";
import { events } from "./events.ts";
import { http } from "./http.ts";
import { link } from "./link.ts";
import { log } from "./log.ts";
import type { Probe, ProbeContext, ProbeEntry, Reading } from "./probe.ts";
import { queue } from "./queue.ts";
import { promql } from "./promql.ts";
import { reconciliation } from "./reconciliation.ts";

export const probeCatalogue = [queue, deployment, http, log, events, reconciliation, link, alert, promql] as const;

type Schemas<T extends readonly { schema: unknown }[]> = { -readonly [I in keyof T]: T[I]["schema"] };

export const ProbeSpec = z.discriminatedUnion("kind", probeCatalogue.map((p) => p.schema) as unknown as Schemas<typeof probeCatalogue>);
export type ProbeSpec = z.output<typeof ProbeSpec>;
export type ProbeKind = ProbeSpec["kind"];

const byKind = new Map<string, ProbeEntry>(probeCatalogue.map((p) => [p.kind, p as unknown as ProbeEntry]));

/** The entry of a probe kind; kinds come from validated scenarios, so a miss is a programming error. */
export function probeEntry(kind: ProbeKind): ProbeEntry {
  const entry = byKind.get(kind);
  if (!entry) throw new Error(`no probe entry for kind "${kind}"`);
  return entry;
}

export const isProbeKind = (kind: string): kind is ProbeKind => byKind.has(kind);

/** The probe a validated spec describes, reading from the run's context. */
export function createProbe(spec: ProbeSpec, context: ProbeContext): Probe<Reading> {
  return probeEntry(spec.kind).create(spec, context);
}

/** What a spec reads, as plans and reports name it. */
export const probeSubject = (spec: ProbeSpec): string => probeEntry(spec.kind).subject(spec);

/** The fields each probe kind yields, for checking `expect` keys and suggesting the right one. */
export const PROBE_FIELDS = Object.fromEntries(probeCatalogue.map((p) => [p.kind, Object.keys(p.reading)])) as unknown as Record<ProbeKind, readonly string[]>;

/** The fields of PROBE_FIELDS that are true or false; the others are numbers. */
export const PROBE_FLAGS = Object.fromEntries(
  probeCatalogue.map((p) => [p.kind, Object.entries(p.reading as Record<string, string>).filter(([, type]) => type === "flag").map(([field]) => field)]),
) as unknown as Record<ProbeKind, readonly string[]>;
