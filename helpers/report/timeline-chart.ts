// Renders a timeline as a standalone SVG line chart: one line per series (step-wise, as sampled),
// shaded phases, dashed red inject and green revert markers. Pure function, no browser needed.
import type { TimelineData } from "../timeline/timeline.ts";

const WIDTH = 1200;
const HEIGHT = 520;
const PAD = { left: 70, right: 30, top: 70, bottom: 90 };
const COLOURS = ["#1f6feb", "#d97706", "#7c3aed", "#0d9488", "#be185d"];
const PHASE_FILLS = ["#f3f4f6", "#fff7ed", "#fef2f2", "#ecfdf5", "#eff6ff"];
const MARKER_COLOURS = { inject: "#dc2626", revert: "#16a34a", note: "#6b7280" } as const;

const escape = (text: string): string => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function niceStep(max: number, ticks: number): number {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
}

export function timelineSvg(data: TimelineData): string {
  const entries = Object.entries(data.series);
  const allPoints = entries.flatMap(([, points]) => points);
  const last = Math.max(1_000, ...allPoints.map((p) => p.t), ...data.markers.map((m) => m.t), ...data.phases.map((p) => p.end ?? p.start));
  const end = last * 1.03; // a little room so a change at the very end stays visible
  const yMax = Math.max(1, ...allPoints.map((p) => p.v));
  const yStep = Math.max(1, niceStep(yMax, 5));
  const yTop = Math.ceil(yMax / yStep) * yStep;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (t: number): number => PAD.left + (t / end) * plotW;
  const y = (v: number): number => PAD.top + plotH - (v / yTop) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${PAD.left}" y="28" font-size="18" font-weight="bold" fill="#111827">${escape(data.title)}</text>`,
  );
  data.phases.forEach((phase, i) => {
    const x0 = x(phase.start);
    const x1 = x(phase.end ?? end);
    out.push(
      `<rect x="${x0.toFixed(1)}" y="${PAD.top}" width="${Math.max(0, x1 - x0).toFixed(1)}" height="${plotH}" fill="${PHASE_FILLS[i % PHASE_FILLS.length]}"/>`,
      // Short adjacent phases would print over each other: alternate two rows.
      `<text x="${((x0 + x1) / 2).toFixed(1)}" y="${PAD.top + plotH + 44 + (i % 2) * 16}" text-anchor="middle" fill="#374151" font-size="12">${escape(phase.name)}</text>`,
    );
  });
  for (let v = 0; v <= yTop; v += yStep) {
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${PAD.left - 10}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${v}</text>`,
    );
  }
  const xStep = niceStep(end, 10);
  for (let t = 0; t <= end; t += xStep) {
    out.push(`<text x="${x(t).toFixed(1)}" y="${PAD.top + plotH + 20}" text-anchor="middle" fill="#374151">${seconds(t)}</text>`);
  }
  out.push(
    `<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#111827"/>`,
    `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#111827"/>`,
  );
  entries.forEach(([name, points], i) => {
    if (points.length === 0) return;
    const colour = COLOURS[i % COLOURS.length] ?? "#000";
    const path = points
      .map((p, j) => {
        const prev = points[j - 1];
        const step = prev ? `L${x(p.t).toFixed(1)},${y(prev.v).toFixed(1)} ` : "";
        return `${j === 0 ? "M" : step + "L"}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`;
      })
      .join(" ");
    out.push(`<path d="${path}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
    const lx = PAD.left + i * 280;
    out.push(
      `<line x1="${lx}" x2="${lx + 24}" y1="50" y2="50" stroke="${colour}" stroke-width="3"/>`,
      `<text x="${lx + 30}" y="54" fill="#111827">${escape(name)} (${points.length} samples)</text>`,
    );
  });
  data.markers.forEach((marker, i) => {
    const colour = MARKER_COLOURS[marker.kind];
    const mx = x(marker.t).toFixed(1);
    // Labels right of the line, or left of it in the right half so they stay inside the chart.
    const rightHalf = marker.t > end / 2;
    out.push(
      `<line x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="${colour}" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${mx}" y="${PAD.top + 14 + (i % 3) * 15}" fill="${colour}" font-weight="bold" dx="${rightHalf ? -4 : 4}" text-anchor="${rightHalf ? "end" : "start"}">${escape(`${marker.kind}: ${marker.label}`)}</text>`,
    );
  });
  out.push(`<text x="${PAD.left + plotW / 2}" y="${HEIGHT - 12}" text-anchor="middle" fill="#6b7280">time since the game day started</text>`);
  out.push("</svg>");
  return out.join("\n");
}
