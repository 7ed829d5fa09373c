// The game-day summary page (reports/summary.html): one offline HTML file for people who were not
// there. Executive summary and resilience score first, then findings (most severe first), then per
// scenario its hypothesis, expected-vs-actual matrix and timeline chart, and the trend against
// earlier runs (reports/history/). No script, no network: it opens from disk and prints.
import { predictionCameTrue, type Facilitated } from "./facilitation.ts";
import type { ExpectationRow, ScenarioOutcome } from "./game-day.ts";
import type { HistoryEntry, Trend } from "./history.ts";
import { creditOf, SEVERITY_WEIGHTS, weightOf } from "./score.ts";

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
const seconds = (ms: number): string => (ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(ms < 10_000 ? 1 : 0)} s`);
const SEVERITY_ORDER = Object.keys(SEVERITY_WEIGHTS);
const TIME_WORDS: Record<string, string> = { detect: "detected", notify: "notified", recover: "recovered", drain: "drained", resolve: "alert resolved" };
const STANDING_WORDS = { resilient: "resilient", finding: "finding", "known finding": "known finding", broken: "did not run to a verdict", invalid: "invalid scenario", skipped: "skipped" } as const;

export interface SummaryInput {
  scenarios: ScenarioOutcome[];
  score: number | null;
  verdict: string;
  at: string;
  trend: Trend;
  /** Where the Allure report is, relative to the summary page. */
  allureReport?: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`);

/** The executive summary: a paragraph composed from the results by a fixed template. */
export function executiveSummary(input: Pick<SummaryInput, "scenarios" | "score" | "trend">): string {
  const { scenarios, score, trend } = input;
  if (scenarios.length === 0) return "No scenario ran, so this run says nothing about resilience.";
  const by = (standing: ScenarioOutcome["standing"]): ScenarioOutcome[] => scenarios.filter((s) => s.standing === standing);
  const parts: string[] = [];
  parts.push(`${plural(scenarios.length, "scenario")} ran against ${list([...new Set(scenarios.map((s) => s.target || "the target"))])}.`);
  const resilient = by("resilient");
  if (resilient.length === scenarios.length) parts.push(`The system held in every one: every fault was proven, every invariant held and it recovered.`);
  else if (resilient.length > 0) parts.push(`The system held in ${list(resilient.map((s) => s.name))}.`);
  const findings = [...by("finding"), ...by("known finding")].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  for (const f of findings) {
    const row = f.rows.find((r) => r.outcome === "violated");
    parts.push(
      `${f.standing === "known finding" ? "As documented" : "Finding"} (${f.severity}${f.kind ? `, ${f.kind}` : ""}): in ${f.name}, ${row ? `expected ${row.expected.replace(/^\w[\w ]*: /, "")}, observed ${row.observed}` : (f.message ?? "an expectation failed")}.`,
    );
  }
  const broken = [...by("broken"), ...by("invalid")];
  if (broken.length > 0) parts.push(`${list(broken.map((s) => s.name))} did not run to a verdict (${list(broken.map((s) => s.message ?? s.verdict))}); this says nothing about the system and counts as not resilient.`);
  const skipped = by("skipped");
  if (skipped.length > 0) parts.push(`${list(skipped.map((s) => s.name))} ${skipped.length === 1 ? "was" : "were"} skipped and count${skipped.length === 1 ? "s" : ""} as not resilient.`);
  const timed = scenarios.filter((s) => Object.keys(s.times).length > 0);
  for (const s of timed) parts.push(`${s.name}: ${Object.entries(s.times).map(([k, ms]) => `${TIME_WORDS[k] ?? k} in ${seconds(ms)}`).join(", ")}.`);
  if (score !== null) {
    const prev = trend.previous;
    const change = prev === undefined || prev === null ? "the first recorded run" : score === prev ? "unchanged since the previous run" : `${score > prev ? "up" : "down"} from ${prev} in the previous run`;
    parts.push(`Resilience score: ${score} of 100, ${change}.`);
  }
  return parts.join(" ");
}

const PREDICTION_WORDS = { holds: "it holds", fails: "it fails", unsure: "unsure" } as const;

function predictedCell(r: ExpectationRow): string {
  if (r.predicted === undefined) return `<td class="predicted">–</td>`;
  const cameTrue = predictionCameTrue(r.predicted, r.outcome);
  const mark = cameTrue === undefined ? "" : cameTrue ? " ✓ right" : " ✗ wrong";
  return `<td class="predicted ${cameTrue === undefined ? "unscored" : cameTrue ? "right" : "wrong"}">${esc(PREDICTION_WORDS[r.predicted])}${mark}</td>`;
}

function matrixRow(r: ExpectationRow, file: string, predicted: boolean): string {
  const where = r.line !== undefined ? `${file}:${r.line}` : file;
  return `<tr class="${r.outcome.replace(" ", "-")}" data-path="${esc(r.path)}">
  <td class="where"><code>${esc(r.path)}</code><br><small>${esc(where)}</small></td>
  <td>${esc(r.expected)}</td>
  <td>${esc(r.observed)}</td>
  <td>${r.evidence ? `<details><summary>evidence</summary><pre>${esc(r.evidence)}</pre></details>` : ""}</td>
  <td class="outcome">${esc(r.outcome)}</td>${predicted ? `\n  ${predictedCell(r)}` : ""}
</tr>`;
}

function scoreChart(trend: Trend): string {
  const points = trend.scores.filter((p): p is { at: string; score: number } => p.score !== null);
  if (points.length < 2) return `<p class="trend-note">${points.length === 1 ? "The first recorded run: the trend starts here." : "No earlier run recorded."}</p>`;
  const w = 420;
  const h = 90;
  const x = (i: number): number => 10 + (i * (w - 20)) / (points.length - 1);
  const y = (v: number): number => h - 10 - (v / 100) * (h - 20);
  const line = points.map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.score).toFixed(1)}`).join(" ");
  const dots = points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p.score).toFixed(1)}" r="3"><title>${esc(p.at)}: ${p.score}</title></circle>`).join("");
  return `<svg class="score-trend" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="score over the last ${points.length} runs"><rect width="${w}" height="${h}" fill="#f9fafb"/><path d="${line}" fill="none" stroke="#1f6feb" stroke-width="2"/>${dots}</svg>`;
}

function trendTable(trend: Trend): string {
  const header = trend.scores.map((s, i) => `<th>${i === trend.scores.length - 1 ? "this run" : esc(s.at.slice(0, 16).replace("T", " "))}</th>`).join("");
  const scoreRow = `<tr><th>score</th>${trend.scores.map((s) => `<td>${s.score ?? "–"}</td>`).join("")}</tr>`;
  const rows: string[] = [];
  for (const [name, runs] of trend.times) {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.times)))];
    const cell = (at: string, render: (r: (typeof runs)[number]) => string): string => {
      const run = runs.find((r) => r.at === at);
      return `<td>${run ? render(run) : "–"}</td>`;
    };
    rows.push(`<tr><th>${esc(name)}</th>${trend.scores.map((s) => cell(s.at, (r) => esc(STANDING_WORDS[r.standing]))).join("")}</tr>`);
    for (const k of keys) rows.push(`<tr><th class="sub">time to ${esc(k)}</th>${trend.scores.map((s) => cell(s.at, (r) => (r.times[k] !== undefined ? seconds(r.times[k]) : "–"))).join("")}</tr>`);
  }
  return `<table class="trend"><thead><tr><th></th>${header}</tr></thead><tbody>${scoreRow}${rows.join("")}</tbody></table>`;
}

/** A facilitated run: how the team's predictions fared, the abort, the facilitator's notes. */
function facilitationPart(f: Facilitated): string {
  const { right, wrong, unscored } = f.predictions;
  const notes = f.notes.map((n) => `<li><span class="t">${esc(n.at.slice(11, 19))}</span> ${esc(n.text)}</li>`).join("");
  return `<div class="facilitation">
<p class="predictions" data-right="${right}" data-wrong="${wrong}"><strong>Team predictions:</strong> ${right} right, ${wrong} wrong${unscored > 0 ? `, ${unscored} not scored (unsure, or never judged)` : ""}.</p>
${f.aborted ? `<p class="aborted message">Aborted by the facilitator at ${esc(f.aborted.at.slice(11, 19))} UTC, during ${esc(f.aborted.during)}; every fault was reverted.</p>` : ""}
${notes ? `<h3>Facilitator's notes</h3><ul class="notes">${notes}</ul>` : ""}
</div>`;
}

function scenarioSection(s: ScenarioOutcome): string {
  const times = Object.entries(s.times);
  return `<section class="scenario ${s.standing.replace(" ", "-")}" id="${esc(s.name)}">
<h2>${esc(s.name)} <span class="badge">${esc(STANDING_WORDS[s.standing])}</span> <span class="severity">${esc(s.severity)}</span></h2>
<p class="location"><code>${esc(s.file)}:${s.line}</code> · ${esc(s.target)} · ${esc(s.project)} · ${seconds(s.durationMs)} · credit ${Math.round(creditOf(s.rows.length ? { severity: s.severity, standing: s.standing, ...heldJudged(s) } : { severity: s.severity, standing: s.standing, held: 0, judged: 0 }) * 100)}% of weight ${weightOf(s.severity)}</p>
<p class="hypothesis"><strong>Hypothesis.</strong> ${esc(s.hypothesis)}</p>
${s.skipReason ? `<p class="skip">Skipped: ${esc(s.skipReason)}</p>` : ""}
${s.message ? `<p class="message">${esc(s.verdict)}${s.kind ? ` (${esc(s.kind)})` : ""}: ${esc(s.message)}</p>` : ""}
${times.length > 0 ? `<ul class="times">${times.map(([k, ms]) => `<li>time to ${esc(k)}: <strong>${seconds(ms)}</strong></li>`).join("")}</ul>` : ""}
${s.chartSvg ? `<figure class="chart">${s.chartSvg.replace(/<\?xml[^>]*>/, "")}</figure>` : ""}
${s.facilitated ? facilitationPart(s.facilitated) : ""}
<table class="matrix"><thead><tr><th>expectation</th><th>expected</th><th>observed</th><th>evidence</th><th>verdict</th>${s.facilitated ? "<th>team predicted</th>" : ""}</tr></thead>
<tbody>${s.rows.map((r) => matrixRow(r, s.file, s.facilitated !== undefined)).join("\n")}</tbody></table>
</section>`;
}

export function heldJudged(s: ScenarioOutcome): { held: number; judged: number } {
  const held = s.rows.filter((r) => r.outcome === "held").length;
  return { held, judged: held + s.rows.filter((r) => r.outcome === "violated").length };
}

export function summaryPage(input: SummaryInput): string {
  const { scenarios, score } = input;
  const findings = scenarios
    .filter((s) => s.standing === "finding" || s.standing === "known finding" || s.standing === "broken" || s.standing === "invalid")
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const findingItems = findings.map((s) => {
    const row = s.rows.find((r) => r.outcome === "violated");
    return `<li><span class="severity">${esc(s.severity)}</span> <a href="#${esc(s.name)}">${esc(s.name)}</a>: ${esc(STANDING_WORDS[s.standing])}${s.kind ? ` (${esc(s.kind)})` : ""} — ${esc(row ? `${row.expected}; observed ${row.observed}` : (s.message ?? ""))}${row?.line ? ` <code>${esc(s.file)}:${row.line}</code>` : ""}</li>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Game day summary</title>
<style>
body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:2rem auto;max-width:1250px;color:#111827;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem}.meta{color:#6b7280;margin-top:0}
.score{display:inline-block;font-size:3rem;font-weight:700;padding:.2rem 1rem;border-radius:.5rem;background:#eff6ff;color:#1e3a8a}
.score small{font-size:1rem;font-weight:400}
.executive{font-size:1.1rem;max-width:70rem}
table{border-collapse:collapse;width:100%;margin:1rem 0;font-size:.92rem}th,td{border:1px solid #e5e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f3f4f6}tr.held td.outcome{color:#166534;font-weight:600}tr.violated{background:#fef2f2}tr.violated td.outcome{color:#b91c1c;font-weight:700}
tr.not-reached td,tr.not-judged td{color:#6b7280}th.sub{font-weight:400;padding-left:1.5rem}
.badge{font-size:.9rem;padding:.1rem .5rem;border-radius:1rem;background:#e5e7eb;vertical-align:middle}
.resilient .badge{background:#dcfce7;color:#166534}.finding .badge,.known-finding .badge{background:#fee2e2;color:#991b1b}.broken .badge,.invalid .badge{background:#fef3c7;color:#92400e}
.severity{font-size:.8rem;text-transform:uppercase;letter-spacing:.05em;color:#6b7280}
section.scenario{border-top:2px solid #e5e7eb;margin-top:2rem}.chart svg{max-width:100%;height:auto}
pre{white-space:pre-wrap;font-size:.8rem;max-height:20rem;overflow:auto}.message{color:#991b1b}
.formula{font-size:.85rem;color:#374151}
td.predicted.right{color:#166534}td.predicted.wrong{color:#b91c1c;font-weight:600}.notes{font-style:italic}
</style></head><body>
<h1>Game day summary</h1>
<p class="meta">${esc(input.at.replace("T", " ").slice(0, 19))} UTC · verdict: <strong class="verdict">${esc(input.verdict)}</strong>${input.allureReport ? ` · <a href="${esc(input.allureReport)}">full Allure report</a>` : ""}</p>
<div class="score" data-score="${score ?? ""}">${score ?? "–"}<small> / 100 resilience score</small></div>
<p class="executive" id="executive-summary">${esc(executiveSummary(input))}</p>
<h2>Findings</h2>
${findingItems.length > 0 ? `<ol class="findings">${findingItems.join("")}</ol>` : `<p class="findings none">No finding.</p>`}
<h2>Trend</h2>
${scoreChart(input.trend)}
${trendTable(input.trend)}
${scenarios.map(scenarioSection).join("\n")}
<h2>How the score is computed</h2>
<p class="formula">score = floor(100 × Σ weight × credit / Σ weight) over every scenario of the run. Weight by severity: ${Object.entries(SEVERITY_WEIGHTS).map(([k, v]) => `${k} ${v}`).join(", ")}. Credit: passed 1; a finding ½ × (expectations held / expectations judged); a harness error, invalid scenario or skipped scenario 0 — a game day that did not run proves nothing. 100 only when every scenario passed.</p>
</body></html>
`;
}

/** A history entry for this run. */
export function historyEntryOf(scenarios: readonly ScenarioOutcome[], score: number | null, verdict: string, at: string): HistoryEntry {
  return { at, score, verdict, scenarios: scenarios.map((s) => ({ name: s.name, file: s.file, severity: s.severity, standing: s.standing, times: s.times })) };
}
