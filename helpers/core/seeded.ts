// A small seeded random source, so a sampled run (the CI slice of a campaign) can be replayed exactly.

/** The seed a run uses: GAMEDAY_SEED when set (an integer), else `fallback`. */
export function seedFromEnv(fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.GAMEDAY_SEED;
  if (raw === undefined || raw === "") return fallback;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`GAMEDAY_SEED must be an integer; got "${raw}"`);
  return seed;
}

/** A deterministic generator of numbers in [0, 1) (mulberry32: 32-bit state, good enough for sampling). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of a non-empty list, chosen by `random`. */
export function pickOne<T>(items: readonly T[], random: () => number): T {
  if (items.length === 0) throw new Error("pickOne: nothing to pick from");
  return items[Math.floor(random() * items.length)] as T;
}
