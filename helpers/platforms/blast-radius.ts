// Blast-radius caps: how many replicas one fault may take away (kill, scale down, break, isolate,
// drain), checked before anything is mutated.
import { ScenarioError } from "../core/errors.ts";

export interface BlastRadius {
  /** Most replicas one fault may delete or disrupt. */
  maxReplicas: number;
  /** Most of a deployment's replicas, in percent, one fault may delete or disrupt. */
  maxPercent: number;
}

export const DEFAULT_BLAST_RADIUS: BlastRadius = { maxReplicas: 10, maxPercent: 100 };

/**
 * How many of `total` replicas a request for `count` (or `percent`) may hit. Refuses (exit 2) a
 * request beyond the caps rather than silently shrinking it: a game day that hits less than it
 * says proves less than it says.
 */
export function replicasWithinBlastRadius(what: string, request: { count?: number; percent?: number }, total: number, caps: BlastRadius): number {
  const wanted = request.percent !== undefined ? Math.ceil((total * request.percent) / 100) : (request.count ?? 1);
  assertWithinBlastRadius({ what, replicas: wanted, of: total }, caps);
  return Math.min(wanted, total);
}

/** The capacity one fault takes away: `replicas` of a deployment's `of` (absent when no per-deployment share applies, e.g. a node's pods). */
export interface CapacityTaken {
  /** What the fault does, as its title says it. */
  what: string;
  replicas: number;
  of?: number;
}

/** Refuses (exit 2, with the numbers and the option to raise) a fault taking more than the caps allow. */
export function assertWithinBlastRadius(taken: CapacityTaken, caps: BlastRadius): void {
  const { what, replicas, of } = taken;
  const share = of === undefined ? "" : ` of ${of}`;
  if (replicas > caps.maxReplicas) {
    throw new ScenarioError(
      `${what}: takes away ${replicas}${share} replica(s), over the blast-radius cap of ${caps.maxReplicas} replica(s); lower the count or raise --max-replicas (GAMEDAY_MAX_REPLICAS)`,
    );
  }
  const percent = of === undefined || of === 0 ? 0 : (replicas / of) * 100;
  if (percent > caps.maxPercent) {
    throw new ScenarioError(
      `${what}: takes away ${replicas}${share} replica(s) (${percent.toFixed(0)}%), over the blast-radius cap of ${caps.maxPercent}%; lower the count or raise --max-percent (GAMEDAY_MAX_PERCENT)`,
    );
  }
}
