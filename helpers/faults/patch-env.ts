// patch-env: changes a deployment's environment (a bad config push: a wrong URL, a feature flag, a
// missing secret). The platform rolls the replicas onto it; reverting restores the recorded values
// (and unsets what was unset before).
import * as z from "zod";
import { Name } from "../core/schema-primitives.ts";
import { that } from "../invariants/temporal.ts";
import { capability, defineFault, proveWithin } from "./fault.ts";

const changes = (env: Record<string, string | null>): string[] => Object.entries(env).map(([k, v]) => (v === null ? `unset ${k}` : `${k}=${v}`));

export const patchEnv = defineFault({
  kind: "patch-env",
  requires: "env",
  fields: {
    deployment: Name,
    /** Variables to set; null unsets one. */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "an environment variable name: letters, digits and _" }), z.union([z.string(), z.null()]))
      .refine((e) => Object.keys(e).length > 0, { error: "name at least one variable (null unsets it)" }),
  },
  title: (spec) => `patch the environment of ${spec.deployment}: ${changes(spec.env).join(", ")}`,
  read: async (platform, spec) => {
    const envOf = capability(platform, "env", platform.envOf?.bind(platform), "patch-env");
    const current = (await envOf(spec.deployment)).desired;
    return { deployment: spec.deployment, env: Object.fromEntries(Object.keys(spec.env).map((k) => [k, current[k] ?? null])) };
  },
  apply: async (platform, spec) => void (await capability(platform, "env", platform.setEnv?.bind(platform), "patch-env")(spec.deployment, spec.env)),
  prove: async (platform, spec, _original, _applied, title) => {
    const envOf = capability(platform, "env", platform.envOf?.bind(platform), "patch-env");
    const carries = (env: Record<string, string>): boolean => Object.entries(spec.env).every(([k, v]) => (v === null ? !(k in env) : env[k] === v));
    const rolled = that<{ desired: Record<string, string>; replicas: Record<string, string>[] }>(
      `every live replica of ${spec.deployment} runs with ${changes(spec.env).join(", ")}`,
      (s) => carries(s.desired) && s.replicas.length > 0 && s.replicas.every(carries),
    );
    const seen = await proveWithin(title, { subject: `environment of ${spec.deployment}`, read: () => envOf(spec.deployment) }, rolled, spec.proofTimeoutMs ?? 30_000);
    return `deployment ${spec.deployment}: ${seen.replicas.length} replica(s) run with ${changes(spec.env).join(", ")}`;
  },
  restore: async (platform, spec, original) => void (await capability(platform, "env", platform.setEnv?.bind(platform), "patch-env")(spec.deployment, original.env)),
});
