// deployment: a deployment's replicas as the platform reports them.
import type { DeploymentStatus, Platform } from "../platforms/platform.ts";
import { Name } from "../core/schema-primitives.ts";
import { defineProbe, type Probe } from "./probe.ts";

/** The platform's full status of one deployment (faults prove their effect with it). */
export function deploymentProbe(platform: Platform, name: string): Probe<DeploymentStatus> {
  return { subject: `deployment ${name}`, read: () => platform.deployment(name) };
}

export const deployment = defineProbe({
  kind: "deployment",
  fields: { name: Name },
  summary: "a deployment",
  reading: { desired: "number", running: "number", ready: "number", available: "number", restarts: "number", crashLooping: "flag" },
  timeline: ["ready", "restarts"],
  subject: (spec) => `deployment ${spec.name}`,
  read:
    (spec, { platform }) =>
    async () => {
      const { desired, running, ready, available, restarts, crashLooping } = await platform.deployment(spec.name);
      return { desired, running, ready, available, restarts, crashLooping };
    },
});
