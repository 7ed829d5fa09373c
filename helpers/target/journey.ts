// A Journey is a user flow a target registers under a name ("checkout") so scenarios can ask for it.
// Generic over the browser page type so this library stays free of Playwright.
import type { LoadFlowCatalogue } from "./load-flow.ts";
import type { ShippingEvidenceDeclaration } from "./shipping-evidence.ts";
import type { Endpoints } from "./target.ts";

/** An order a journey placed, and the shipment it should lead to. */
export interface OrderRef {
  orderId: string;
  shipmentId: string;
}

export interface ShipmentRef {
  shipmentId: string;
}

export interface JourneyContext<Page> {
  page: Page;
  platform: Endpoints;
  /** A user the scenario named, or the target's default. */
  user?: string | undefined;
  /** 1-based iteration of this journey in the scenario. */
  iteration: number;
}

export interface JourneyResult {
  /** One line for the report, e.g. "order 64a1… placed, $12.98". */
  summary: string;
  /** Orders this iteration placed, for reconciliation and ${run.ordersPlaced}. */
  orders?: OrderRef[];
}

export interface Journey<Page> {
  readonly description: string;
  run(context: JourneyContext<Page>): Promise<JourneyResult>;
}

export interface JourneyCatalogue<Page> {
  /** Runs once per browser page before the first iteration, e.g. log in. */
  prepare?(context: Omit<JourneyContext<Page>, "iteration">): Promise<void>;
  journeys: Record<string, Journey<Page>>;
  /** What the target shows of the shipments these orders led to, for the reconciliation probe. */
  shipping?: ShippingEvidenceDeclaration;
  /** The target's load flows, for `during.load` (the same as its Target's `load`). */
  load?: LoadFlowCatalogue;
  /** The credentials its journeys log in with (passwords): masked in every report, log and trace. */
  secrets?(): readonly string[];
}
