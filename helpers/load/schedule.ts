// The open model's schedule: when each iteration starts, fixed before the first one does. k6's
// arrival-rate executors: `constant-arrival-rate` (rate per timeUnit for duration) and
// `ramping-arrival-rate` (startRate, then each stage moves the rate linearly to its target over its
// duration). A stalled service never moves these times: an iteration that cannot start on time is
// late (measured from its intended start) or dropped, never silently postponed.

export interface ConstantArrivalRate {
  executor: "constant-arrival-rate";
  /** Iterations per timeUnit. */
  rate: number;
  timeUnit: number;
  duration: number;
}

export interface RampingArrivalRate {
  executor: "ramping-arrival-rate";
  startRate: number;
  timeUnit: number;
  stages: readonly { target: number; duration: number }[];
}

export type ArrivalRate = ConstantArrivalRate | RampingArrivalRate;

/** The executor's total length in ms. */
export function scheduleLength(executor: ArrivalRate): number {
  return executor.executor === "constant-arrival-rate" ? executor.duration : executor.stages.reduce((sum, s) => sum + s.duration, 0);
}

/** The highest rate the executor reaches, in iterations per second. */
export function peakRatePerSecond(executor: ArrivalRate): number {
  const perUnit = executor.executor === "constant-arrival-rate" ? executor.rate : Math.max(executor.startRate, ...executor.stages.map((s) => s.target));
  return (perUnit * 1_000) / executor.timeUnit;
}

/** How many iterations the schedule holds (the area under the rate). */
export function expectedIterations(executor: ArrivalRate): number {
  if (executor.executor === "constant-arrival-rate") return Math.floor((executor.rate * executor.duration) / executor.timeUnit + 1e-9);
  let from = executor.startRate;
  let total = 0;
  for (const stage of executor.stages) {
    total += ((from + stage.target) / 2) * (stage.duration / executor.timeUnit);
    from = stage.target;
  }
  return Math.floor(total + 1e-9);
}

/**
 * The intended start of every iteration, in ms from the start of the load, ascending. The k-th
 * iteration (k = 0, 1, …) starts when the area under the rate reaches k.
 */
export function arrivalOffsets(executor: ArrivalRate): Float64Array {
  const count = expectedIterations(executor);
  const out = new Float64Array(count);
  if (executor.executor === "constant-arrival-rate") {
    const interval = executor.timeUnit / executor.rate;
    for (let k = 0; k < count; k++) out[k] = k * interval;
    return out;
  }
  let k = 0;
  let stageStart = 0;
  let before = 0; // iterations due before this stage
  let from = executor.startRate / executor.timeUnit; // per ms
  for (const stage of executor.stages) {
    const to = stage.target / executor.timeUnit;
    const d = stage.duration;
    const area = ((from + to) / 2) * d;
    // Within the stage, A(t) = from·t + (to − from)·t² / (2d); solve A(t) = k − before for t.
    while (k < count && k - before < area + 1e-9) {
      const need = k - before;
      let t: number;
      if (Math.abs(to - from) < 1e-15) t = from > 0 ? need / from : 0;
      else {
        const a = (to - from) / (2 * d);
        t = (-from + Math.sqrt(Math.max(0, from * from + 4 * a * need))) / (2 * a);
      }
      out[k] = stageStart + Math.min(d, Math.max(0, t));
      k++;
    }
    before += area;
    stageStart += d;
    from = to;
  }
  return out.subarray(0, k);
}
