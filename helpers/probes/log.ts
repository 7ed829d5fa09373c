import type { Platform } from "../platforms/platform.ts";
import type { Probe } from "./probe.ts";

export interface LogReading {
  count: number;
  seen: boolean;
  [field: string]: number | boolean;
}

/** Lines of a deployment's logs matching a pattern since a moment; their absence is a signal too. */
export function logProbe(platform: Platform, deployment: string, pattern: string, since: () => number): Probe<LogReading> {
  const regex = new RegExp(pattern);
  return {
    subject: `logs of ${deployment} matching /${pattern}/`,
    read: async () => {
      const count = (await platform.logs(deployment, since())).filter((line) => regex.test(line.text)).length;
      return { count, seen: count > 0 };
    },
  };
}
