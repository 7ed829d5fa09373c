// events: the platform's events (Kubernetes events, the local supervisor's) matching a filter since a moment.
import * as z from "zod";
import type { Platform, PlatformEvent } from "../platforms/platform.ts";
import { defineProbe, momentOf, SINCE, type Probe } from "./probe.ts";

export interface EventsFilter {
  /** The event's reason, exactly (e.g. "BackOff", "ScalingReplicaSet"). */
  reason?: string | undefined;
  /** A prefix of the object, e.g. "deployment/queue-master" or "pod/queue-master-". */
  object?: string | undefined;
  type?: "Normal" | "Warning" | undefined;
}

export function matchesEvent(event: PlatformEvent, filter: EventsFilter): boolean {
  return (filter.reason === undefined || event.reason === filter.reason) && (filter.object === undefined || event.object.startsWith(filter.object)) && (filter.type === undefined || event.type === filter.type);
}

export interface EventsReading {
  count: number;
  seen: boolean;
  [field: string]: number | boolean;
}

function subject(filter: EventsFilter): string {
  const parts = [filter.type, filter.reason && `reason ${filter.reason}`, filter.object && `on ${filter.object}*`].filter(Boolean).join(" ");
  return `events${parts ? ` (${parts})` : ""}`;
}

/** The platform's events matching a filter since a moment. */
export function eventsProbe(platform: Platform, filter: EventsFilter, since: () => number): Probe<EventsReading> {
  return {
    subject: subject(filter),
    read: async () => {
      const count = (await platform.events(since())).filter((event) => matchesEvent(event, filter)).length;
      return { count, seen: count > 0 };
    },
  };
}

export const events = defineProbe({
  kind: "events",
  fields: {
    reason: z.string().min(1).optional(),
    object: z.string().min(1).optional(),
    type: z.enum(["Normal", "Warning"]).optional(),
    since: z.enum(SINCE).default("phase-start"),
  },
  summary: "platform events (Kubernetes events, the local supervisor's) matching reason, object prefix and type since a moment",
  reading: { count: "number", seen: "flag" },
  timeline: ["count"],
  subject,
  read: (spec, { platform, moments }) => eventsProbe(platform, spec, () => momentOf(spec.since, moments())).read,
});
