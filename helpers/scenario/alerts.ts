// The alerts a scenario's `detect:` may name: those the target's rule files define or, when the
// scenario brings rule files of its own (`monitoring.rules`, rules under test, evaluated instead of
// the target's), those. Naming another one is bad input,
// found before anything starts: a typo would otherwise read as "monitoring never noticed".
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { isRecord } from "../core/schema-primitives.ts";
import { closest, listOf, type Finding } from "./problems.ts";
import type { Scenario } from "./schema.ts";

/** The alert names a Prometheus rule file defines (groups[].rules[].alert); unreadable files define none. */
export function alertNamesIn(file: string): string[] {
  try {
    const doc = parse(fs.readFileSync(file, "utf8")) as unknown;
    const groups = isRecord(doc) && Array.isArray(doc.groups) ? doc.groups : [];
    return groups.flatMap((g) => (isRecord(g) && Array.isArray(g.rules) ? g.rules : [])).flatMap((r) => (isRecord(r) && typeof r.alert === "string" ? [r.alert] : []));
  } catch {
    return [];
  }
}

/** The scenario's own rule files, resolved against its directory. */
export const scenarioRuleFiles = (scenario: Scenario, file: string): string[] => (scenario.monitoring?.rules ?? []).map((r) => path.resolve(path.dirname(file), r));

/** What is wrong with the scenario's monitoring section and detect: alerts, given the target's rule files. */
export function monitoringFindings(scenario: Scenario, file: string, targetRuleFiles: readonly string[] | undefined): Finding[] {
  const findings: Finding[] = [];
  const own = scenarioRuleFiles(scenario, file);
  own.forEach((rules, i) => {
    if (!fs.existsSync(rules)) {
      findings.push({ path: ["monitoring", "rules", i], code: "missing_rule_file", message: `no rule file at ${rules}`, fix: "give the path of a Prometheus rule file, relative to this scenario" });
    }
  });
  if (scenario.detect.length === 0) return findings;
  if (targetRuleFiles === undefined && own.length === 0) {
    findings.push({ path: ["detect"], at: "key", code: "no_monitoring", message: `target ${scenario.target} declares no monitoring, so nothing can notice the fault`, fix: "declare the target's alert rules (Target.monitoring) or remove detect:" });
    return findings;
  }
  const known = [...new Set((own.length > 0 ? own : (targetRuleFiles ?? [])).flatMap(alertNamesIn))].sort();
  scenario.detect.forEach((d, i) => {
    if (known.includes(d.alert)) return;
    const guess = closest(d.alert, known);
    findings.push({
      path: ["detect", i, "alert"],
      code: "unknown_alert",
      message: `no rule ${own.length > 0 ? "of this scenario's monitoring.rules" : `of target ${scenario.target}`} defines the alert "${d.alert}"`,
      fix: `${guess !== undefined ? `did you mean "${guess}"? ` : ""}the rules define ${listOf(known, "and") || "no alerts"}`,
    });
  });
  return findings;
}
