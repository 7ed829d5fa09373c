// The kill switch: `gameday abort` in another terminal asks every running game day (on one target,
// or all) to revert its faults at once and end. On this machine the request is a file in the state
// directory the runs poll; a platform may offer one more switch reachable from elsewhere (Kubernetes:
// an annotation on the namespace's lock Lease that any kubectl user can set).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { stateDir } from "../core/leftovers.ts";

export interface AbortRequest {
  /** Epoch ms the request was made; a run only obeys requests made after it started. */
  at: number;
  reason: string;
  /** Only game days on this target; every target when absent. */
  target?: string;
  by: string;
}

const requestFile = (): string => path.join(stateDir(), "abort-request.json");

/** Writes the request every run on this machine (same state directory) polls. Returns what was written. */
export function requestAbort(reason: string, target?: string): AbortRequest {
  const request: AbortRequest = { at: Date.now(), reason, ...(target ? { target } : {}), by: `${os.userInfo().username}@${os.hostname()} pid ${process.pid}` };
  fs.mkdirSync(stateDir(), { recursive: true });
  const staging = `${requestFile()}.${process.pid}`;
  fs.writeFileSync(staging, JSON.stringify(request));
  fs.renameSync(staging, requestFile()); // a poller never reads half a request
  return request;
}

/** The request that applies to a game day on `target` started at `since`, if one was made. */
export function pendingAbort(target: string, since: number): AbortRequest | undefined {
  let request: AbortRequest;
  try {
    request = JSON.parse(fs.readFileSync(requestFile(), "utf8")) as AbortRequest;
  } catch {
    return undefined; // none, or unreadable: a switch that cannot be read is not pressed
  }
  if (typeof request.at !== "number" || request.at < since) return undefined;
  if (request.target !== undefined && request.target !== target) return undefined;
  return request;
}

/** A switch a platform offers beyond this machine's: polled by the run, set by `gameday abort`. */
export interface RemoteKillSwitch {
  /** Where the switch is, for messages: e.g. "Lease gameday-lock in namespace shop (annotation gameday.dev/abort)". */
  readonly where: string;
  /** The reason given, when the switch is set. */
  requested(): Promise<string | undefined>;
  request(reason: string): Promise<void>;
}
