// http: one request to a service through the platform's entry point for it.
import * as z from "zod";
import { Duration, Name } from "../core/schema-primitives.ts";
import type { Platform } from "../platforms/platform.ts";
import { defineProbe, type Probe } from "./probe.ts";

export interface HttpReading {
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  status: number;
  latencyMs: number;
  ok: boolean;
  [field: string]: number | boolean;
}

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

export const http = defineProbe({
  kind: "http",
  fields: {
    service: Name,
    path: z.string().startsWith("/", { error: 'a path starts with "/"' }).default("/"),
    method: z.enum(["GET", "HEAD"]).default("GET"),
    timeout: Duration.default(5_000),
  },
  summary: "an HTTP request to a service",
  reading: { status: "number", latencyMs: "number", ok: "flag" },
  timeline: ["latencyMs"],
  subject: (spec) => `http ${spec.method} ${spec.service}${spec.path}`,
  read: (spec, { platform }) => httpProbe(platform, spec.service, spec.path, spec.method, spec.timeout).read,
});
