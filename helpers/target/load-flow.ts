// A load flow is what one virtual user does in one iteration of a load (log in, add to cart, place an
// order), over plain HTTP. A target registers its flows by name beside its journeys, so a scenario's
// `during.load` can ask for one. The engine (helpers/load) gives each iteration its own session: a
// fresh cookie jar, requests timed and counted under k6's metric names.
import type { OrderRef } from "./journey.ts";

export interface LoadResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as text ("" when the request failed before an answer). */
  readonly body: string;
  /** Whether the request got an answer with a status below 400 (k6's default expected statuses). */
  readonly ok: boolean;
  /** Why no answer came (timeout, connection refused), when none did. */
  readonly error?: string | undefined;
}

export interface LoadRequest {
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body (sent with content-type application/json). */
  readonly json?: unknown;
  /** The request's name in the summary, e.g. "POST /orders" (default: method and path). */
  readonly name?: string;
}

/** One virtual user's HTTP session for one iteration: its own cookie jar, every request measured. */
export interface LoadSession {
  /** Which virtual user runs this iteration (0 … maxVUs − 1); no two iterations in flight share one. */
  readonly vu: number;
  /** 1-based, across the whole load. */
  readonly iteration: number;
  /** The load's id, as its setup saw it. */
  readonly runId: string;
  request(method: string, path: string, init?: LoadRequest): Promise<LoadResponse>;
  /** A k6-style check: counted in the `checks` rate; a failed check does not stop the iteration. */
  check(name: string, ok: boolean): boolean;
}

export interface LoadIterationResult {
  /** Orders this iteration placed: they join the run's reconciliation. */
  orders?: OrderRef[];
}

export interface LoadFlowSetup {
  /** How many virtual users the load may have in flight at once (its maxVUs). */
  readonly vus: number;
  /** Unique to this load: for names the setup creates (accounts). */
  readonly runId: string;
  /** A session outside the measured load, for the setup's own requests. */
  session(vu: number): LoadSession;
}

export interface LoadFlow {
  readonly description: string;
  /** Runs once before the first iteration, unmeasured: e.g. one account per virtual user. */
  setup?(context: LoadFlowSetup): Promise<void>;
  iteration(session: LoadSession): Promise<LoadIterationResult | undefined>;
}

export interface LoadFlowCatalogue {
  /** The service the flows' paths are relative to. */
  readonly service: string;
  readonly flows: Readonly<Record<string, LoadFlow>>;
  /**
   * Where another process finds this catalogue: the module (its `import.meta.url`) and the export's
   * name. A load shared among worker processes or pods needs it; without it the load runs in one engine.
   */
  readonly source?: { readonly module: string; readonly exportName: string };
}
