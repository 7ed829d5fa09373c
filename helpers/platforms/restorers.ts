// How each platform reverts a ledger entry whose run died: used by the janitor at the start of every
// run and by `gameday restore`. The Kubernetes modules load @kubernetes/client-node (~300 ms), so
// they are imported only when an entry needs them.
import type { Restorer } from "../ledger/restore.ts";
import type { PlatformName } from "./platform.ts";
import { restoreLocal } from "./local/restore.ts";

export const restorers: Record<PlatformName, Restorer> = {
  local: restoreLocal,
  kubernetes: async (entry) => (await import("./kubernetes/restore.ts")).restoreKubernetes(entry),
};
