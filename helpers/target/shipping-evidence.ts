// What a target can show of the shipments its orders led to. Each kind is optional; a run checks
// which ones answer on its platform and reconciles against the best (helpers/probes/shipping-evidence.ts).
import type { ShipmentRef } from "./journey.ts";
import type { Endpoints } from "./target.ts";

export interface ShippingEvidenceDeclaration {
  /**
   * Identities: every shipment the target handled, by shipment id. Often an extension a build may
   * lack; `read` rejects with EvidenceUnavailable when this one does not offer it.
   */
  identities?: {
    /** Where they come from, for reports: "queue-master's shipment records (GET /shipments)". */
    readonly source: string;
    read(platform: Endpoints): Promise<readonly ShipmentRef[]>;
  };
  /**
   * Counts: a line the consumer logs once per shipment task it handles. Such a line names no order
   * (upstream queue-master's names the customer), so it gives how many, never which.
   */
  logLine?: {
    /** The deployment that writes it. */
    readonly deployment: string;
    /** A regular expression (its source) a whole line matches. */
    readonly pattern: string;
  };
  /** Counts: the queue each order's shipment task passes through; the broker's counters of it. */
  queue?: string;
}

/** This build or platform does not offer that evidence (as opposed to failing to read it). */
export class EvidenceUnavailable extends Error {
  override readonly name = "EvidenceUnavailable";
}
