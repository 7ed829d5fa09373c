// How a key time travels from a game day to the reports: a test annotation
// `gameday.time-to-<what>-ms` whose description is the milliseconds. Playwright's JUnit reporter
// writes annotations as <property> elements; the verdict reporter reads them into verdict.json.

export const keyTimeAnnotation = (what: string): string => `gameday.time-to-${what}-ms`;

const PATTERN = /^gameday\.time-to-([a-z]+)-ms$/;

/** The key times among a test's annotations: { detect: 12345, drain: 2100, … } (milliseconds). */
export function keyTimesOf(annotations: readonly { type: string; description?: string | undefined }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of annotations) {
    const what = PATTERN.exec(a.type)?.[1];
    const ms = Number(a.description);
    if (what !== undefined && Number.isFinite(ms)) out[what] = ms;
  }
  return out;
}
