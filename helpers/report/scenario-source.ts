// What the reports need from a scenario file's text, read without validating it again: every
// expectation (steady state, proof, invariants, after, detect) with its line, so an outcome can
// point at the YAML that asked for it, with a code frame.
import fs from "node:fs";
import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { codeFrame } from "../scenario/problems.ts";

export type Section = "steady-state" | "faults" | "proof" | "during" | "after" | "detect";

export interface SourceExpectation {
  section: Section;
  /** Position in its list, e.g. `after[0]`, `during.invariants[1]`. */
  path: string;
  /** 1-based line of the entry in the file. */
  line: number;
  /** always | never | at-least-once | eventually | stays; "fault" for faults; "alert" for detect. */
  mode: string;
  /** The entry's own description, or a short rendering of it. */
  text: string;
}

export interface ScenarioSource {
  file: string;
  name: string;
  /** Line of `name:`, the scenario's location. */
  line: number;
  description: string;
  severity: string;
  target: string;
  expectations: SourceExpectation[];
  lines: string[];
}

const SECTIONS: { section: Section; path: string[] }[] = [
  { section: "steady-state", path: ["steady-state"] },
  { section: "faults", path: ["faults"] },
  { section: "proof", path: ["proof"] },
  { section: "during", path: ["during", "invariants"] },
  { section: "after", path: ["after"] },
  { section: "detect", path: ["detect"] },
];

const str = (value: unknown): string => (typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : "");

function render(entry: Record<string, unknown>, section: Section): string {
  if (typeof entry.description === "string") return entry.description;
  if (section === "faults") return Object.entries(entry).map(([k, v]) => `${k}: ${str(v) || JSON.stringify(v)}`).join(", ");
  if (section === "detect") return `alert ${str(entry.alert)}${entry.never === true ? " never fires" : " fires"}`;
  const probe = entry.probe && typeof entry.probe === "object" ? (entry.probe as Record<string, unknown>) : {};
  const subject = [str(probe.kind), str(probe.name ?? probe.deployment ?? probe.alert ?? probe.url)].filter(Boolean).join(" ");
  return `${subject} ${JSON.stringify(entry.expect ?? {})}`.trim();
}

/** Reads a scenario file's expectations and their lines; undefined when it cannot be read or parsed. */
export function readScenarioSource(file: string): ScenarioSource | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  if (doc.errors.length > 0 || !isMap(doc.contents)) return undefined;
  const lineOf = (node: Node | null | undefined): number => (node?.range ? counter.linePos(node.range[0]).line : 1);
  const data = doc.toJS() as Record<string, unknown>;
  const expectations: SourceExpectation[] = [];
  for (const { section, path } of SECTIONS) {
    const list = doc.getIn(path, true);
    if (!isSeq(list)) continue;
    list.items.forEach((item, index) => {
      const entry = (isMap(item) ? (item.toJSON() as Record<string, unknown>) : {}) ?? {};
      const mode = section === "faults" ? "fault" : section === "detect" ? "alert" : str(entry.mode);
      expectations.push({ section, path: `${path.join(".")}[${index}]`, line: lineOf(item as Node), mode, text: render(entry, section) });
    });
  }
  const nameNode = doc.contents.items.find((pair) => str((pair.key as { value?: unknown } | null)?.value) === "name");
  return {
    file,
    name: str(data.name),
    line: nameNode?.key ? lineOf(nameNode.key) : 1,
    description: str(data.description).trim(),
    severity: str(data.severity) || "normal",
    target: str(data.target),
    expectations,
    lines: text.split("\n"),
  };
}

/** The YAML around a line, the line marked: what a failed expectation points at. */
export function sourceFrame(source: ScenarioSource, line: number): string[] {
  const col = (source.lines[line - 1] ?? "").search(/\S/) + 1;
  return codeFrame(source.lines, line, Math.max(1, col));
}
