import type { DeploymentStatus, Platform } from "../platforms/platform.ts";
import type { Probe } from "./probe.ts";

export function deploymentProbe(platform: Platform, name: string): Probe<DeploymentStatus> {
  return { subject: `deployment ${name}`, read: () => platform.deployment(name) };
}
