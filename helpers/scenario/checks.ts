// Checks the schema cannot express, on the document after variables are substituted. They read the
// data defensively (it may also have schema problems, reported separately) so that one run reports
// everything at once.
import { Duration, InvariantSpec, PROBE_FIELDS, PROBE_FLAGS, type ProbeKind } from "./schema.ts";
import { loadFindings } from "../load/spec.ts";
import { closest, isRecord, listOf, type Finding, type PathSegment } from "./problems.ts";


/** Invariants that gate a phase: they must come true (eventually) or hold for a while (stays). */
const GATES = {
  "steady-state": "steady-state is checked before any fault",
  proof: "proof shows the fault took effect",
  after: "after is checked once the fault is reverted",
} as const;
const PHASE_MODES = ["always", "never", "at-least-once"];
/** The sampling interval an invariant gets when it names none. */
const DEFAULT_INTERVAL_MS = InvariantSpec.parse({ mode: "always", probe: { kind: "reconciliation" }, expect: { placed: 0 } }).interval;

const millis = (value: unknown): number | undefined => {
  const parsed = Duration.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

const probeKind = (probe: unknown): ProbeKind | undefined =>
  isRecord(probe) && typeof probe.kind === "string" && Object.hasOwn(PROBE_FIELDS, probe.kind) ? (probe.kind as ProbeKind) : undefined;

function checkExpect(invariant: Record<string, unknown>, path: PathSegment[]): Finding[] {
  const kind = probeKind(invariant.probe);
  const expect = invariant.expect;
  if (kind === undefined || !isRecord(expect)) return [];
  const fields = PROBE_FIELDS[kind];
  const flags = PROBE_FLAGS[kind];
  const findings: Finding[] = [];
  for (const [field, comparison] of Object.entries(expect)) {
    const at = [...path, "expect", field];
    if (!fields.includes(field)) {
      const guess = closest(field, fields);
      findings.push({
        path: at,
        at: "key",
        code: "unknown_field",
        message: `a ${kind} probe has no field "${field}"`,
        fix: `${guess === undefined ? "" : `did you mean "${guess}"? `}a ${kind} probe reads ${listOf([...fields], "and")}`,
      });
    } else if (flags.includes(field) && typeof comparison !== "boolean" && comparison !== null && comparison !== undefined) {
      findings.push({ path: at, code: "flag_compared_as_number", message: `"${field}" is true or false, so it cannot be compared with a number`, fix: `write ${field}: true or ${field}: false` });
    } else if (!flags.includes(field) && typeof comparison === "boolean") {
      findings.push({ path: at, code: "number_compared_as_flag", message: `"${field}" is a number, so it cannot be ${comparison}`, fix: `compare it with a number, e.g. ${field}: 0 or ${field}: { gte: 1 }` });
    }
  }
  return findings;
}

function checkWindow(invariant: Record<string, unknown>, path: PathSegment[]): Finding[] {
  const findings: Finding[] = [];
  const interval = millis(invariant.interval);
  if (interval === 0) {
    findings.push({ path: [...path, "interval"], code: "zero_duration", message: "an interval of 0 would read the probe without pause", fix: `use ${DEFAULT_INTERVAL_MS}ms (the default) or more` });
  }
  const mode = invariant.mode;
  const window = mode === "eventually" ? "within" : mode === "stays" ? "for" : undefined;
  if (window === undefined) return findings;
  const windowMs = millis(invariant[window]);
  const sampling = interval ?? DEFAULT_INTERVAL_MS;
  if (windowMs !== undefined && sampling > 0 && sampling >= windowMs) {
    const given = interval !== undefined;
    findings.push({
      path: [...path, given ? "interval" : window],
      code: "single_sample",
      message: given
        ? `interval ${String(invariant.interval)} is not shorter than ${window} ${String(invariant[window])}, so the probe would be read only once`
        : `${window} ${String(invariant[window])} is not longer than the sampling interval (${DEFAULT_INTERVAL_MS}ms by default), so the probe would be read only once`,
      fix: given ? `use an interval well below ${String(invariant[window])}, or a longer ${window}` : `use a ${window} of 1s or more`,
    });
  }
  return findings;
}

function checkInvariants(list: unknown, path: PathSegment[], gate: keyof typeof GATES | undefined): Finding[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((invariant, i) => {
    if (!isRecord(invariant)) return [];
    const at = [...path, i];
    const findings = [...checkExpect(invariant, at), ...checkWindow(invariant, at)];
    if (gate !== undefined && typeof invariant.mode === "string" && PHASE_MODES.includes(invariant.mode)) {
      findings.push({
        path: [...at, "mode"],
        code: "mode_not_allowed",
        message: `mode "${invariant.mode}" cannot be used in ${gate}`,
        fix: `${GATES[gate]}: use "eventually" (with within:) or "stays" (with for:); "${invariant.mode}" belongs in during.invariants`,
      });
    }
    return findings;
  });
}

function checkFaults(list: unknown): Finding[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((fault, i): Finding[] => {
    if (!isRecord(fault)) return [];
    const findings: Finding[] = [];
    if (millis(fault.duration) === 0) {
      findings.push({
        path: ["faults", i, "duration"],
        code: "zero_duration",
        message: "a fault with a duration of 0 is reverted as soon as it is injected",
        fix: "give it a duration longer than the journeys take, or remove duration to revert it in the recover phase",
      });
    }
    if ((fault.kind === "latency" || fault.kind === "blackhole") && typeof fault.from === "string" && fault.from === fault.to) {
      findings.push({
        path: ["faults", i, "to"],
        code: "same_service",
        message: `from and to are the same service ("${fault.from}")`,
        fix: `a ${fault.kind} fault acts on the calls one service makes to another: name the caller in from and the service it calls in to`,
      });
    }
    return findings;
  });
}

/** always / never / at-least-once watch the during phase, which lasts as long as its journeys and load (and delayed faults). */
function checkSomethingToWatch(during: Record<string, unknown>, faults: unknown): Finding[] {
  const journeys = (Array.isArray(during.journeys) ? during.journeys.length : 0) + (isRecord(during.load) ? 1 : 0);
  const delayed = Array.isArray(faults) && faults.some((f) => isRecord(f) && f.start !== undefined);
  if (journeys > 0 || delayed || !Array.isArray(during.invariants)) return [];
  return during.invariants.flatMap((invariant, i): Finding[] =>
    isRecord(invariant) && typeof invariant.mode === "string" && PHASE_MODES.includes(invariant.mode)
      ? [
          {
            path: ["during", "invariants", i, "mode"],
            code: "nothing_to_watch",
            message: `mode "${invariant.mode}" watches the journeys and load of during, and there are none, so it would not be sampled`,
            fix: 'add during.journeys or during.load, or use "eventually" or "stays", which take their own time',
          },
        ]
      : [],
  );
}

/** A gate on a key time the scenario never measures could never pass: refused before the run. */
function checkGates(document: Record<string, unknown>): Finding[] {
  const gates = document.gates;
  if (!isRecord(gates)) return [];
  const detect = Array.isArray(document.detect) ? document.detect.filter(isRecord) : [];
  const after = Array.isArray(document.after) ? document.after.filter(isRecord) : [];
  const queueDepthAfter = after.some((spec) => probeKind(spec.probe) === "queue" && isRecord(spec.expect) && "depth" in spec.expect);
  const measures: Record<string, { measured: boolean; needs: string }> = {
    detect: { measured: detect.some((d) => d.fires !== undefined), needs: "a detect: expectation with fires: { within }" },
    notify: { measured: detect.some((d) => d.fires !== undefined), needs: "a detect: expectation with fires: { within }" },
    resolve: { measured: detect.some((d) => d.resolves !== undefined), needs: "a detect: expectation with resolves: { within }" },
    recover: { measured: after.length > 0, needs: "after: checks" },
    drain: { measured: queueDepthAfter, needs: "an after: check of a queue's depth" },
  };
  const findings: Finding[] = [];
  for (const [what, { measured, needs }] of Object.entries(measures)) {
    if (gates[what] === undefined || measured) continue;
    findings.push({
      path: ["gates", what],
      at: "key",
      code: "gate_never_measured",
      message: `time to ${what} is never measured in this scenario, so its gate could never pass`,
      fix: `add ${needs}, or remove gates.${what}`,
    });
  }
  return findings;
}

/** Every semantic problem in a (substituted) scenario document. */
export function semanticChecks(document: unknown): Finding[] {
  if (!isRecord(document)) return [];
  const during = isRecord(document.during) ? document.during : {};
  const findings = [
    ...checkSomethingToWatch(during, document.faults),
    ...checkInvariants(document["steady-state"], ["steady-state"], "steady-state"),
    ...checkFaults(document.faults),
    ...checkInvariants(document.proof, ["proof"], "proof"),
    ...checkInvariants(during.invariants, ["during", "invariants"], undefined),
    ...checkInvariants(document.after, ["after"], "after"),
    ...checkInvariants(document["abort-when"], ["abort-when"], undefined),
    ...checkGates(document),
  ];
  for (const finding of loadFindings(during.load)) findings.push({ ...finding, path: ["during", "load", ...finding.path] });
  if (isRecord(during.load) && during.load.distributed !== undefined && document.platform !== "kubernetes") {
    findings.push({
      path: ["during", "load", "distributed"],
      at: "key",
      code: "distributed_needs_kubernetes",
      message: `distributed runs the load as pods of a Kubernetes Indexed Job, and this scenario runs on platform ${typeof document.platform === "string" ? document.platform : "local (the default)"}`,
      fix: "add platform: kubernetes (and run with --platform kubernetes), or use workers: N to share the load among processes on this machine",
    });
  }
  return findings;
}

/** `during.load.flow` against the flows the target offers (undefined: the target is unknown here, unchecked). */
export function loadFlowFindings(scenario: { target: string; during: { load?: { flow: string } | undefined } }, flows: readonly string[] | undefined): Finding[] {
  const flow = scenario.during.load?.flow;
  if (flow === undefined || flows === undefined || flows.includes(flow)) return [];
  const guess = closest(flow, flows);
  return [
    {
      path: ["during", "load", "flow"],
      code: "unknown_flow",
      message: flows.length === 0 ? `target ${scenario.target} offers no load flows` : `target ${scenario.target} offers no load flow "${flow}"`,
      fix: flows.length === 0 ? "remove during.load, or add load flows to the target (see docs/architecture.md, To add …)" : `${guess === undefined ? "" : `did you mean "${guess}"? `}it offers ${listOf([...flows], "and")}`,
    },
  ];
}
