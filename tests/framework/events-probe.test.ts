// The events probe: platform events filtered by reason, object prefix and type, since a moment.
import { expect, test } from "@playwright/test";
import type { Platform, PlatformEvent } from "../../helpers/platforms/platform.ts";
import { eventsProbe } from "../../helpers/probes/events.ts";

const EVENTS: PlatformEvent[] = [
  { time: 100, type: "Normal", reason: "ScalingReplicaSet", object: "deployment/queue-master", message: "Scaled to 0" },
  { time: 200, type: "Warning", reason: "BackOff", object: "pod/queue-master-7f9c-x2", message: "Back-off restarting failed container" },
  { time: 300, type: "Warning", reason: "BackOff", object: "pod/orders-5d8-k1", message: "Back-off restarting failed container" },
  { time: 400, type: "Normal", reason: "BackOff", object: "pod/queue-master-7f9c-x3", message: "not a warning" },
];
const platform = { events: (since = 0) => Promise.resolve(EVENTS.filter((e) => e.time >= since)) } as unknown as Platform;

test("counts the events matching every given filter, since the moment", async () => {
  const read = (filter: Parameters<typeof eventsProbe>[1], since = 0) => eventsProbe(platform, filter, () => since).read();
  expect(await read({ type: "Warning", reason: "BackOff", object: "pod/queue-master-" })).toEqual({ count: 1, seen: true });
  expect(await read({ reason: "BackOff" })).toEqual({ count: 3, seen: true });
  expect(await read({ object: "deployment/" })).toEqual({ count: 1, seen: true });
  expect(await read({ type: "Warning", object: "pod/queue-master-" }, 250), "before the moment: not counted").toEqual({ count: 0, seen: false });
  expect(eventsProbe(platform, { type: "Warning", reason: "BackOff", object: "pod/queue-master-" }, () => 0).subject).toBe("events (Warning reason BackOff on pod/queue-master-*)");
});
