import type { Platform, PlatformEvent } from "../platforms/platform.ts";
import type { Probe } from "./probe.ts";

export interface EventsFilter {
  /** The event's reason, exactly (e.g. "BackOff", "ScalingReplicaSet"). */
  reason?: string | undefined;
  /** A prefix of the object, e.g. "deployment/queue-master" or "pod/queue-master-". */
  object?: string | undefined;
  type?: "Normal" | "Warning" | undefined;
}

export interface EventsReading {
  count: number;
  seen: boolean;
  [field: string]: number | boolean;
}

export function matchesEvent(event: PlatformEvent, filter: EventsFilter): boolean {
  return (filter.reason === undefined || event.reason === filter.reason) && (filter.object === undefined || event.object.startsWith(filter.object)) && (filter.type === undefined || event.type === filter.type);
}

/** The platform's events matching a filter since a moment (Kubernetes events, or the local supervisor's). */
export function eventsProbe(platform: Platform, filter: EventsFilter, since: () => number): Probe<EventsReading> {
  const parts = [filter.type, filter.reason && `reason ${filter.reason}`, filter.object && `on ${filter.object}*`].filter(Boolean).join(" ");
  return {
    subject: `events${parts ? ` (${parts})` : ""}`,
    read: async () => {
      const count = (await platform.events(since())).filter((event) => matchesEvent(event, filter)).length;
      return { count, seen: count > 0 };
    },
  };
}
