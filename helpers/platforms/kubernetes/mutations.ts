// Each kind of change gameday makes to a Kubernetes object, described once: how to read the
// original from the object (what gets recorded, see original-state.ts), the patch making a change,
// and the patch putting a recorded original back. The platform (in-run) and restore.ts (after a
// crash, from the annotation) both take their patches from here, so they cannot drift apart. A
// recorded original is itself a change of the same shape: restoring it is applying it.
import { isDeepStrictEqual } from "node:util";
import type { V1Deployment, V1EnvVar, V1Node } from "@kubernetes/client-node";
import { call, jsonPatch, mergePatch, strategicMergePatch, type Cluster } from "./cluster.ts";
import type { OriginalState, RecordedEnvVar, RestoredFields } from "./original-state.ts";

/** A patch: where it goes and how the API server reads it. */
export interface Patch {
  /** The deployment, its scale subresource (as `kubectl scale` and autoscalers use), or a node. */
  target: "deployment" | "scale" | "node";
  type: "merge" | "strategic-merge" | "json";
  body: object;
}

/** The recordable fields of an object's original state. */
export type Recorded = Required<Omit<OriginalState, "runId">>;
export type Field = keyof Recorded;

export interface Mutation<F extends Field, O> {
  readonly field: F;
  /** What `change` will replace, read from the object before it is changed: the original to record. */
  original(object: O, change: Recorded[F]): Recorded[F];
  /** The patch making `change`; undefined when the object has nothing it applies to. */
  forward(object: O, change: Recorded[F]): Patch | undefined;
  /** The patch putting a recorded original back (in-run, or from the annotation after a crash). */
  restore(object: O, original: Recorded[F]): Patch | undefined;
  /**
   * `requested` as it is to be written: the parts asking, in the platform's terms, for what
   * `recorded` holds become the recorded original itself (an env var read back as unset may have
   * come from a Secret). `restoring`: all of it puts back the record, which needs no lock.
   */
  resolve(recorded: Recorded[F] | undefined, requested: Recorded[F]): { change: Recorded[F]; restoring: boolean };
  /** The parts of `recorded` that writing `written` has put back exactly: to be forgotten. */
  putBack(recorded: Recorded[F], written: Recorded[F]): RestoredFields | undefined;
}

function container(deployment: V1Deployment, name: string): { index: number; env: V1EnvVar[] } | undefined {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  const index = containers.findIndex((c) => c.name === name);
  const found = containers[index];
  return found ? { index, env: found.env ?? [] } : undefined;
}

/**
 * The variable as it is defined now. One with neither value nor valueFrom (how the API server stores
 * an empty value) is recorded as not set, so restoring it removes it: known, left as it was.
 */
function recordEnvVar(variable: V1EnvVar | undefined): RecordedEnvVar {
  if (variable?.valueFrom) return { valueFrom: variable.valueFrom };
  return variable?.value ?? null;
}

/** What the platform's env intent (setEnv, envOf) sees of a recorded variable: plain values only. */
function envSeen(recorded: RecordedEnvVar): string | null {
  return typeof recorded === "string" ? recorded : null;
}

const scalePatch = (replicas: number): Patch => ({ target: "scale", type: "merge", body: { spec: { replicas } } });

/** Deployment replicas, through the scale subresource. */
export const replicasMutation = {
  field: "replicas",
  original: (deployment) => deployment.spec?.replicas ?? 1,
  forward: (_, replicas) => scalePatch(replicas),
  restore: (_, replicas) => scalePatch(replicas),
  resolve: (recorded, replicas) => ({ change: replicas, restoring: recorded === replicas }),
  putBack: (recorded, written) => (recorded === written ? { replicas: true } : undefined),
} satisfies Mutation<"replicas", V1Deployment>;

function imagesPatch(images: Record<string, string>): Patch {
  const containers = Object.entries(images).map(([name, image]) => ({ name, image }));
  return { target: "deployment", type: "strategic-merge", body: { spec: { template: { spec: { containers } } } } };
}

/** Container images (container name → image), by strategic merge on the container's name. */
export const imagesMutation = {
  field: "images",
  original: (deployment, change) => {
    const containers = deployment.spec?.template.spec?.containers ?? [];
    return Object.fromEntries(Object.keys(change).map((name) => [name, containers.find((c) => c.name === name)?.image ?? ""]));
  },
  forward: (_, images) => imagesPatch(images),
  restore: (_, images) => imagesPatch(images),
  resolve: (recorded, images) => ({
    change: images,
    restoring: recorded !== undefined && Object.entries(images).every(([name, image]) => recorded[name] === image),
  }),
  putBack: (recorded, written) => {
    const names = Object.keys(written).filter((name) => name in recorded && recorded[name] === written[name]);
    return names.length > 0 ? { images: names } : undefined;
  },
} satisfies Mutation<"images", V1Deployment>;

/**
 * Per container, its whole variable list: those not in `env` as they are, then `env`'s (null: left
 * out). A JSON patch replacing the list, because a strategic merge cannot remove a variable by name.
 */
function envPatch(deployment: V1Deployment, env: Record<string, Record<string, RecordedEnvVar>>): Patch | undefined {
  const operations = Object.entries(env).flatMap(([name, vars]) => {
    const found = container(deployment, name);
    if (!found) return [];
    const kept = found.env.filter((e) => !(e.name in vars));
    const set = Object.entries(vars).flatMap(([key, value]): V1EnvVar[] => {
      if (value === null) return [];
      return typeof value === "string" ? [{ name: key, value }] : [{ name: key, valueFrom: value.valueFrom }];
    });
    return [{ op: "add", path: `/spec/template/spec/containers/${found.index}/env`, value: [...kept, ...set] }];
  });
  return operations.length > 0 ? { target: "deployment", type: "json", body: operations } : undefined;
}

/** Environment variables: container name → variable → value, valueFrom, or null (unset). */
export const envMutation = {
  field: "env",
  original: (deployment, change) =>
    Object.fromEntries(
      Object.entries(change).map(([name, vars]) => {
        const existing = container(deployment, name)?.env ?? [];
        return [name, Object.fromEntries(Object.keys(vars).map((key) => [key, recordEnvVar(existing.find((e) => e.name === key))]))];
      }),
    ),
  forward: (deployment, env) => envPatch(deployment, env),
  restore: (deployment, env) => envPatch(deployment, env),
  resolve: (recorded, env) => {
    let restoring = Object.keys(env).every((name) => recorded?.[name] !== undefined);
    const change = Object.fromEntries(
      Object.entries(env).map(([name, vars]) => [
        name,
        Object.fromEntries(
          Object.entries(vars).map(([key, value]) => {
            const mine = recorded?.[name];
            const was = mine && key in mine ? mine[key] : undefined;
            if (was !== undefined && (isDeepStrictEqual(was, value) || envSeen(was) === value)) return [key, was];
            restoring = false;
            return [key, value];
          }),
        ),
      ]),
    );
    return { change, restoring };
  },
  putBack: (recorded, written) => {
    const env = Object.fromEntries(
      Object.entries(written)
        .map(([name, vars]): [string, string[]] => [name, Object.keys(vars).filter((key) => key in (recorded[name] ?? {}) && isDeepStrictEqual(recorded[name]?.[key], vars[key]))])
        .filter(([, keys]) => keys.length > 0),
    );
    return Object.keys(env).length > 0 ? { env } : undefined;
  },
} satisfies Mutation<"env", V1Deployment>;

const cordonPatch = (unschedulable: boolean): Patch => ({ target: "node", type: "merge", body: { spec: { unschedulable } } });

/** A node's cordon. */
export const unschedulableMutation = {
  field: "unschedulable",
  original: (node) => node.spec?.unschedulable ?? false,
  forward: (_, unschedulable) => cordonPatch(unschedulable),
  restore: (_, unschedulable) => cordonPatch(unschedulable),
  resolve: (recorded, unschedulable) => ({ change: unschedulable, restoring: recorded === unschedulable }),
  putBack: (recorded, written) => (recorded === written ? { unschedulable: true } : undefined),
} satisfies Mutation<"unschedulable", V1Node>;

/** What a variable of `env` as recorded is, in the platform's terms (setEnv's `previous`). */
export function envAsSeen(env: Record<string, RecordedEnvVar>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, envSeen(value)]));
}

/** The field of a record (undefined: not recorded). */
export function recordedField<F extends Field>(state: OriginalState | undefined, field: F): Recorded[F] | undefined {
  const fields: Partial<Recorded> = state ?? {};
  return fields[field];
}

/** `{ [field]: value }`, typed as the part of a record it is. */
export function fieldRecord<F extends Field>(field: F, value: Recorded[F]): Partial<Recorded> {
  const record: Partial<Recorded> = {};
  record[field] = value;
  return record;
}

const CONTENT_TYPES = { merge: mergePatch, "strategic-merge": strategicMergePatch, json: jsonPatch } as const;

/** Sends `patch` to the deployment, its scale or the node `name`; `action` names it in a failure. Nothing to send: nothing done. */
export async function applyPatch(cluster: Cluster, namespace: string, name: string, patch: Patch | undefined, action: string): Promise<void> {
  if (!patch) return;
  const { body } = patch;
  const options = CONTENT_TYPES[patch.type];
  switch (patch.target) {
    case "scale":
      await call(action, () => cluster.apps.patchNamespacedDeploymentScale({ name, namespace, body }, options));
      return;
    case "deployment":
      await call(action, () => cluster.apps.patchNamespacedDeployment({ name, namespace, body }, options));
      return;
    case "node":
      await call(action, () => cluster.core.patchNode({ name, body }, options));
      return;
  }
}
