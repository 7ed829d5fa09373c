// The game day's timeline: sampled series (queue depth, consumers, …), fault markers and phases.
// Pure data; the report turns it into a chart.

export interface Point {
  /** Milliseconds since the timeline started. */
  t: number;
  v: number;
}
export interface Marker {
  t: number;
  kind: "inject" | "revert" | "note";
  label: string;
}
export interface Phase {
  name: string;
  start: number;
  end?: number;
}
export interface TimelineData {
  title: string;
  startedAt: string;
  series: Record<string, Point[]>;
  markers: Marker[];
  phases: Phase[];
}

/** Told of every change as it happens (the live view); `at` is epoch milliseconds. */
export interface TimelineListener {
  started?(title: string, at: number): void;
  recorded?(series: string, value: number, at: number): void;
  marked?(kind: Marker["kind"], label: string, at: number): void;
  phaseStarted?(name: string, at: number): void;
}

export class Timeline {
  readonly start = Date.now();
  private readonly series = new Map<string, Point[]>();
  private readonly markers: Marker[] = [];
  private readonly phases: Phase[] = [];

  constructor(
    readonly title: string,
    private readonly listener: TimelineListener = {},
  ) {
    listener.started?.(title, this.start);
  }

  private now(at = Date.now()): number {
    return at - this.start;
  }

  record(series: string, value: number, at?: number): void {
    let points = this.series.get(series);
    if (!points) this.series.set(series, (points = []));
    points.push({ t: this.now(at), v: value });
    this.listener.recorded?.(series, value, at ?? Date.now());
  }

  mark(kind: Marker["kind"], label: string, at?: number): void {
    this.markers.push({ t: this.now(at), kind, label });
    this.listener.marked?.(kind, label, at ?? Date.now());
  }

  /** Starts a phase, ending the one before it. */
  phase(name: string): void {
    const now = this.now();
    const open = this.phases.at(-1);
    if (open && open.end === undefined) open.end = now;
    this.phases.push({ name, start: now });
    this.listener.phaseStarted?.(name, this.start + now);
  }

  toJSON(): TimelineData {
    const phases = this.phases.map((p) => ({ ...p }));
    const last = phases.at(-1);
    if (last && last.end === undefined) last.end = this.now();
    return {
      title: this.title,
      startedAt: new Date(this.start).toISOString(),
      series: Object.fromEntries(this.series),
      markers: [...this.markers],
      phases,
    };
  }
}
