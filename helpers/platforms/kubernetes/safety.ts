// The game-day lock: a Lease per namespace, so two game days never run against one namespace at
// once. (Which namespaces may be touched: settings.ts; how many replicas: ../blast-radius.ts.)
import { V1MicroTime, type V1Lease } from "@kubernetes/client-node";
import { HarnessError } from "../../core/errors.ts";
import type { RemoteKillSwitch } from "../kill-switch.ts";
import { apiMessage, isConflict, isNotFound, mergePatch, type Cluster } from "./cluster.ts";

export const LEASE_NAME = "gameday-lock";

export interface NamespaceLeaseOptions {
  holder: string;
  /** Seconds a holder that stopped renewing keeps the lock: a crashed run frees it after this. */
  durationSeconds?: number;
  renewEveryMs?: number;
}

/**
 * The lock on one namespace: a coordination.k8s.io Lease, taken with a create (or a replace of an
 * expired one, guarded by resourceVersion), renewed in the background, released on dispose.
 */
export class NamespaceLease implements AsyncDisposable {
  private timer: NodeJS.Timeout | undefined;
  private released?: Promise<void>;
  private lastError: string | undefined;
  /** When the API server last accepted our renewal (or the take). */
  private renewedAt = Date.now();
  /** Another game day that holds the lock now, if one took it over. */
  private takenBy: string | undefined;

  private constructor(
    private readonly cluster: Cluster,
    readonly namespace: string,
    readonly holder: string,
    private readonly durationSeconds: number,
  ) {}

  static async acquire(cluster: Cluster, namespace: string, options: NamespaceLeaseOptions): Promise<NamespaceLease> {
    const durationSeconds = options.durationSeconds ?? 30;
    const lease = new NamespaceLease(cluster, namespace, options.holder, durationSeconds);
    await lease.take();
    const renewEvery = options.renewEveryMs ?? (durationSeconds * 1000) / 3;
    lease.timer = setInterval(() => {
      lease.renew().catch((error: unknown) => {
        lease.lastError = apiMessage(error);
      });
    }, renewEvery);
    lease.timer.unref();
    return lease;
  }

  private body(resourceVersion?: string): V1Lease {
    const now = new V1MicroTime();
    return {
      metadata: { name: LEASE_NAME, namespace: this.namespace, labels: { "app.kubernetes.io/managed-by": "gameday" }, ...(resourceVersion ? { resourceVersion } : {}) },
      spec: {
        holderIdentity: this.holder,
        leaseDurationSeconds: this.durationSeconds,
        acquireTime: now,
        renewTime: now,
      },
    };
  }

  private async take(): Promise<void> {
    const { coordination } = this.cluster;
    try {
      await coordination.createNamespacedLease({ namespace: this.namespace, body: this.body() });
      this.renewedAt = Date.now();
      return;
    } catch (error) {
      if (!isConflict(error)) throw new HarnessError(`cannot take the game-day lock on namespace ${this.namespace}: ${apiMessage(error)}`, { cause: error });
    }
    const current = await coordination.readNamespacedLease({ name: LEASE_NAME, namespace: this.namespace });
    const holder = current.spec?.holderIdentity ?? "";
    const renewed = current.spec?.renewTime ? new Date(current.spec.renewTime).getTime() : 0;
    const expiresAt = renewed + (current.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (holder !== "" && holder !== this.holder && expiresAt > Date.now()) {
      throw new HarnessError(
        `namespace ${this.namespace} is locked by game day "${holder}" (Lease ${LEASE_NAME}, renewed ${new Date(renewed).toISOString()}, expires in ${Math.ceil((expiresAt - Date.now()) / 1000)} s unless renewed): ` +
          "two game days never run against one namespace at once; wait for it to finish or use another namespace",
      );
    }
    // Free, or left by a run that stopped renewing: take it over, unless someone else just did.
    try {
      await coordination.replaceNamespacedLease({ name: LEASE_NAME, namespace: this.namespace, body: this.body(current.metadata?.resourceVersion) });
      this.renewedAt = Date.now();
    } catch (error) {
      if (isConflict(error)) throw new HarnessError(`namespace ${this.namespace}: another game day took the lock at the same moment; retry later`);
      throw error;
    }
  }

  private async renew(): Promise<void> {
    const { coordination } = this.cluster;
    const current = await coordination.readNamespacedLease({ name: LEASE_NAME, namespace: this.namespace });
    if (current.spec?.holderIdentity !== this.holder) {
      this.takenBy = current.spec?.holderIdentity ?? "";
      this.lastError = `the lock was taken by "${this.takenBy}"`;
      return;
    }
    const attempt = Date.now();
    await coordination.replaceNamespacedLease({
      name: LEASE_NAME,
      namespace: this.namespace,
      body: { ...current, spec: { ...current.spec, renewTime: new V1MicroTime() } },
    });
    this.renewedAt = attempt;
    this.lastError = undefined;
  }

  /**
   * Throws unless this run still holds the lock: another game day took it over, or renewals have
   * failed for longer than the lease lasts (so another may take it any moment). `action` names what
   * was about to happen.
   */
  assertHeld(action: string): void {
    if (this.takenBy !== undefined) {
      throw new HarnessError(`refusing to ${action}: the game-day lock on namespace ${this.namespace} was taken over by "${this.takenBy}"; this run no longer owns the namespace`);
    }
    const expiredAt = this.renewedAt + this.durationSeconds * 1000;
    if (Date.now() > expiredAt) {
      throw new HarnessError(
        `refusing to ${action}: the game-day lock on namespace ${this.namespace} expired at ${new Date(expiredAt).toISOString()} (renewals failing: ${this.lastError ?? "no answer"})`,
      );
    }
  }

  /** Why the last renewal failed, if it did. */
  get renewalProblem(): string | undefined {
    return this.lastError;
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      clearInterval(this.timer);
      try {
        const current = await this.cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace: this.namespace });
        if (current.spec?.holderIdentity !== this.holder) return;
        await this.cluster.coordination.deleteNamespacedLease({
          name: LEASE_NAME,
          namespace: this.namespace,
          body: { preconditions: { resourceVersion: current.metadata?.resourceVersion ?? "" } },
        });
      } catch (error) {
        if (!isNotFound(error) && !isConflict(error)) throw error;
      }
    })();
    return this.released;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release();
  }
}

/** The annotation on the lock Lease that asks the game day holding it to revert at once and end. */
export const ABORT_ANNOTATION = "gameday.dev/abort";

/**
 * The namespace's kill switch: `kubectl annotate lease gameday-lock -n NS gameday.dev/abort="reason"`
 * (or `gameday abort --platform kubernetes`) stops the game day holding the lock. The annotation goes
 * with the Lease: a new run takes a fresh one, so an old request never stops it.
 */
export function leaseKillSwitch(cluster: Cluster, namespace: string): RemoteKillSwitch {
  return {
    where: `Lease ${LEASE_NAME} in namespace ${namespace} (annotation ${ABORT_ANNOTATION})`,
    async requested() {
      try {
        const lease = await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace });
        return lease.metadata?.annotations?.[ABORT_ANNOTATION];
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async request(reason) {
      try {
        await cluster.coordination.patchNamespacedLease(
          { name: LEASE_NAME, namespace, body: { metadata: { annotations: { [ABORT_ANNOTATION]: reason } } } },
          mergePatch,
        );
      } catch (error) {
        if (isNotFound(error)) throw new HarnessError(`no game day holds namespace ${namespace}: there is no Lease ${LEASE_NAME} to annotate`);
        throw new HarnessError(`cannot set the kill switch on ${namespace}: ${apiMessage(error)}`, { cause: error });
      }
    },
  };
}
