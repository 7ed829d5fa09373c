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

/** The variables the CLI's --max-replicas and --max-percent become, read by every platform. */
export const BLAST_RADIUS_ENV = { maxReplicas: "GAMEDAY_MAX_REPLICAS", maxPercent: "GAMEDAY_MAX_PERCENT" } as const;

export function blastRadiusFromEnv(env: NodeJS.ProcessEnv = process.env): BlastRadius {
  const positiveInt = (name: string, fallback: number, max: number): number => {
    const text = env[name];
    if (text === undefined || text === "") return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new ScenarioError(`${name}=${text}: use a whole number from 1 to ${max}`);
    return value;
  };
  return {
    maxReplicas: positiveInt(BLAST_RADIUS_ENV.maxReplicas, DEFAULT_BLAST_RADIUS.maxReplicas, 1000),
    maxPercent: positiveInt(BLAST_RADIUS_ENV.maxPercent, DEFAULT_BLAST_RADIUS.maxPercent, 100),
  };
}

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
