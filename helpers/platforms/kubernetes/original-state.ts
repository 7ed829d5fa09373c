// The original state of an object a fault changed, kept on the object itself (an annotation) as
// well as in the ledger: whoever finds the object later — a janitor on another machine, a person
// with kubectl — can see what it was and put it back. The first fault to touch a field records it;
// a later fault never overwrites it, and restoring the field removes it.
import type { KubernetesObject, V1EnvVarSource } from "@kubernetes/client-node";

export const ORIGINAL_ANNOTATION = "gameday.dev/original";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const RUN_LABEL = "gameday.dev/run";

export interface OriginalState {
  /** The run that first changed the object. */
  runId: string;
  replicas?: number;
  /** Container name → image. */
  images?: Record<string, string>;
  /** Container name → variable → how it was defined. */
  env?: Record<string, Record<string, RecordedEnvVar>>;
  unschedulable?: boolean;
}

/** A variable as it was: its value; where it came from (a Secret, a ConfigMap, a field); or null, not set. */
export type RecordedEnvVar = string | null | { valueFrom: V1EnvVarSource };

/** The fields of a record that a restore put back, to be forgotten. */
export interface RestoredFields {
  replicas?: boolean;
  /** Container names. */
  images?: string[];
  /** Container name → variables. */
  env?: Record<string, string[]>;
  unschedulable?: boolean;
}

export function readOriginal(object: KubernetesObject): OriginalState | undefined {
  const text = object.metadata?.annotations?.[ORIGINAL_ANNOTATION];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as OriginalState;
  } catch {
    return undefined; // edited by hand into something else: not ours to interpret
  }
}

/** Adds the fields of `update` not yet recorded; returns the merged record. */
export function mergeOriginal(existing: OriginalState | undefined, update: OriginalState): OriginalState {
  const merged: OriginalState = existing ? structuredClone(existing) : { runId: update.runId };
  if (update.replicas !== undefined && merged.replicas === undefined) merged.replicas = update.replicas;
  for (const [container, image] of Object.entries(update.images ?? {})) {
    merged.images ??= {};
    merged.images[container] ??= image;
  }
  for (const [container, vars] of Object.entries(update.env ?? {})) {
    merged.env ??= {};
    const recorded = (merged.env[container] ??= {});
    for (const [name, value] of Object.entries(vars)) if (!(name in recorded)) recorded[name] = value;
  }
  if (update.unschedulable !== undefined && merged.unschedulable === undefined) merged.unschedulable = update.unschedulable;
  return merged;
}

/** Removes the fields `restored` put back; undefined when nothing is left to remember. */
export function forgetRestored(existing: OriginalState, restored: RestoredFields): OriginalState | undefined {
  const left = structuredClone(existing);
  if (restored.replicas) delete left.replicas;
  for (const container of restored.images ?? []) delete left.images?.[container];
  if (left.images && Object.keys(left.images).length === 0) delete left.images;
  for (const [container, names] of Object.entries(restored.env ?? {})) {
    for (const name of names) delete left.env?.[container]?.[name];
    if (left.env?.[container] && Object.keys(left.env[container]).length === 0) delete left.env[container];
  }
  if (left.env && Object.keys(left.env).length === 0) delete left.env;
  if (restored.unschedulable) delete left.unschedulable;
  const { runId: _, ...fields } = left;
  return Object.keys(fields).length === 0 ? undefined : left;
}

/** A merge patch setting (or, with undefined, removing) the annotation. */
export function originalPatch(state: OriginalState | undefined): { metadata: { annotations: Record<string, string | null> } } {
  return { metadata: { annotations: { [ORIGINAL_ANNOTATION]: state === undefined ? null : JSON.stringify(state) } } };
}
