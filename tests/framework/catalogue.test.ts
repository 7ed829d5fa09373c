// One entry per kind: every fault and probe kind a scenario may name comes from its entry, and the
// documentation and the timeline are generated from (or checked against) that entry.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { FaultSpec, faultCatalogue } from "../../helpers/faults/index.ts";
import { FaultTiming } from "../../helpers/faults/fault.ts";
import { probeCatalogue, ProbeSpec, PROBE_FIELDS, PROBE_FLAGS } from "../../helpers/probes/catalogue.ts";

const readme = fs.readFileSync("scenarios/README.md", "utf8");
const row = (kind: string): string | undefined => readme.split("\n").find((line) => line.startsWith(`| \`${kind}\``));

test("the scenario schema's fault kinds are exactly the catalogue's entries, each with a README row naming its fields", () => {
  expect(FaultSpec.options.map((o) => o.shape.kind.value)).toEqual(faultCatalogue.map((f) => f.kind));
  for (const entry of faultCatalogue) {
    const line = row(entry.kind);
    expect(line, `scenarios/README.md has no row for the fault "${entry.kind}"`).toBeDefined();
    for (const field of Object.keys(entry.schema.shape).filter((f) => f !== "kind" && !(f in FaultTiming))) {
      expect(line, `the README row of "${entry.kind}" does not name its field "${field}"`).toContain(`\`${field}\``);
    }
    expect(entry.requires, `${entry.kind} names the capability it needs`).toMatch(/^[a-z-]+$/);
  }
});

test("the scenario schema's probe kinds are exactly the catalogue's entries; fields, flags, timeline and README follow each entry", () => {
  expect(ProbeSpec.options.map((o) => o.shape.kind.value)).toEqual(probeCatalogue.map((p) => p.kind));
  for (const entry of probeCatalogue) {
    const reading = entry.reading as Record<string, string>;
    expect(PROBE_FIELDS[entry.kind]).toEqual(Object.keys(reading));
    expect(PROBE_FLAGS[entry.kind]).toEqual(Object.keys(reading).filter((f) => reading[f] === "flag"));
    for (const field of entry.timeline) expect(reading[field], `${entry.kind}: the timeline charts "${field}", which must be a number it reads`).toBe("number");
    const line = row(entry.kind);
    expect(line, `scenarios/README.md has no row for the probe "${entry.kind}"`).toBeDefined();
    for (const field of Object.keys(reading)) expect(line, `the README row of "${entry.kind}" does not name its reading "${field}"`).toContain(`\`${field}\``);
  }
});

test("a fault built from code fills in the schema's defaults and keeps its ledger title", () => {
  const kill = faultCatalogue.find((f) => f.kind === "kill-replica");
  expect(kill).toBeDefined();
  const fault = (kill as unknown as (spec: object) => { title: string; requires: string })({ deployment: "orders" });
  expect(fault.title).toBe("kill 1 replica(s) of orders with SIGKILL");
  expect(fault.requires).toBe("replicas");
});
