import type { Platform } from "../platforms/platform.ts";
import type { Probe } from "./probe.ts";

export interface HttpReading {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  latencyMs: number;
  ok: boolean;
  [field: string]: number | boolean;
}

/** One request to a service through the platform's entry point for it. */
export function httpProbe(platform: Platform, service: string, path: string, method: string, timeoutMs: number): Probe<HttpReading> {
  return {
    subject: `http ${method} ${service}${path}`,
    read: async () => {
      const started = performance.now();
      try {
        const response = await fetch(`${platform.endpoint(service)}${path}`, { method, signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
        await response.arrayBuffer();
        return { status: response.status, latencyMs: Math.round(performance.now() - started), ok: response.status < 400 };
      } catch {
        return { status: 0, latencyMs: Math.round(performance.now() - started), ok: false };
      }
    },
  };
}
