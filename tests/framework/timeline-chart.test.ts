import { expect, test } from "@playwright/test";
import { timelineSvg } from "../../helpers/report/timeline-chart.ts";
import type { TimelineData } from "../../helpers/timeline/timeline.ts";

const data: TimelineData = {
  title: "queue-consumer-outage",
  startedAt: "2026-11-26T00:00:00.000Z",
  series: {
    "queue depth": [
      { t: 0, v: 0 },
      { t: 5_000, v: 5 },
      { t: 9_000, v: 0 },
    ],
    consumers: [
      { t: 0, v: 1 },
      { t: 2_000, v: 0 },
      { t: 8_000, v: 1 },
    ],
  },
  markers: [
    { t: 2_000, kind: "inject", label: "scale deployment queue-master to 0" },
    { t: 8_000, kind: "revert", label: "scale deployment queue-master to 0" },
  ],
  phases: [
    { name: "steady state", start: 0, end: 2_000 },
    { name: "fault", start: 2_000, end: 8_000 },
    { name: "after", start: 8_000, end: 10_000 },
  ],
};

test("the chart draws each series, the inject and revert markers and the phases", () => {
  const svg = timelineSvg(data);
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg.match(/<path /g)).toHaveLength(2);
  expect(svg).toContain("queue depth (3 samples)");
  expect(svg).toContain("consumers (3 samples)");
  expect(svg).toContain("inject: scale deployment queue-master to 0");
  expect(svg).toContain("revert: scale deployment queue-master to 0");
  expect(svg.match(/stroke-dasharray/g)).toHaveLength(2);
  for (const phase of ["steady state", "fault", "after"]) expect(svg).toContain(`>${phase}</text>`);
});

test("the inject marker sits where it happened on the time axis", () => {
  const svg = timelineSvg(data);
  // 70 px left padding + 2 000 / (10 000 × 1.03) of the 1 100 px plot = 283.6 px.
  expect(svg).toContain('<line x1="283.6" x2="283.6"');
});

test("labels are escaped", () => {
  const svg = timelineSvg({ ...data, title: 'a <b> & "c"' });
  expect(svg).toContain("a &lt;b&gt; &amp; &quot;c&quot;");
});
