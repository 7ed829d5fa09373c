// Blast-radius caps: how many replicas one fault may kill or disrupt, checked before it acts.
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
  const percentOfTotal = total === 0 ? 0 : (wanted / total) * 100;
  if (wanted > caps.maxReplicas) {
    throw new ScenarioError(`${what}: ${wanted} replica(s) exceeds the blast-radius cap of ${caps.maxReplicas} replica(s); lower the count or raise --max-replicas`);
  }
  if (percentOfTotal > caps.maxPercent) {
    throw new ScenarioError(
      `${what}: ${wanted} of ${total} replica(s) (${percentOfTotal.toFixed(0)}%) exceeds the blast-radius cap of ${caps.maxPercent}%; lower the count or raise --max-percent`,
    );
  }
  return Math.min(wanted, total);
}
