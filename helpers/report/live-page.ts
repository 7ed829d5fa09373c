// The live view of `gameday run --live`: one offline page served by the run channel
// (helpers/report/run-channel.ts). It subscribes with server-sent events and shows the phases, the
// fault markers, the timeline chart as it is sampled (the report's own chart, redrawn by the server),
// the latest value of each series, invariant and journey outcomes as they end, checkpoints and the
// facilitator's notes. No network beyond the channel, no library.

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);

export function livePage(title: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Live: ${esc(title)}</title>
<style>
body{font-family:system-ui,"DejaVu Sans",Arial,sans-serif;margin:1rem auto;max-width:1300px;color:#111827;padding:0 1rem}
h1{margin:.2rem 0}.status{color:#6b7280}
.grid{display:grid;grid-template-columns:2fr 1fr;gap:1rem}
#chart svg{max-width:100%;height:auto;border:1px solid #e5e7eb}
ul{list-style:none;padding:0;margin:.3rem 0}li{padding:.15rem 0;border-bottom:1px solid #f3f4f6;font-size:.92rem}
.t{color:#6b7280;font-variant-numeric:tabular-nums;margin-right:.4rem}
.inject{color:#b91c1c;font-weight:600}.revert{color:#166534;font-weight:600}.note{color:#374151;font-style:italic}
.ok::before{content:"✓ ";color:#166534}.failed::before{content:"✗ ";color:#b91c1c}.failed{color:#b91c1c}
.phase-current{font-weight:700}.checkpoint{background:#fef3c7}.abort{background:#fee2e2;font-weight:700}
table{border-collapse:collapse}td,th{border:1px solid #e5e7eb;padding:.2rem .5rem;text-align:left}
</style></head><body>
<h1>Live: ${esc(title)}</h1>
<p class="status" id="status">connecting…</p>
<div class="grid">
<div>
<div id="chart"><p class="status">no samples yet</p></div>
<h2>Latest values</h2>
<table id="latest"><tbody></tbody></table>
</div>
<div>
<h2>Phases</h2><ul id="phases"></ul>
<h2>Faults</h2><ul id="markers"></ul>
<h2>Checks and journeys</h2><ul id="outcomes"></ul>
<h2>Facilitator's notes</h2><ul id="notes"></ul>
</div>
</div>
<script>
const start = { at: undefined };
const clock = (at) => start.at === undefined ? "" : ((at - start.at) / 1000).toFixed(1) + " s";
const add = (id, text, cls, at) => {
  const li = document.createElement("li");
  if (cls) li.className = cls;
  const t = document.createElement("span");
  t.className = "t";
  t.textContent = clock(at);
  li.append(t, document.createTextNode(text));
  document.getElementById(id).append(li);
  return li;
};
const status = (text) => { document.getElementById("status").textContent = text; };
const source = new EventSource("stream");
source.onopen = () => status("connected: updates arrive as the run goes");
source.onerror = () => status("disconnected: the run has ended (or its channel closed)");
source.onmessage = (message) => {
  const e = JSON.parse(message.data);
  switch (e.type) {
    case "timeline": start.at = e.at; status("running: " + e.title); break;
    case "phase":
      for (const li of document.querySelectorAll("#phases li")) li.classList.remove("phase-current");
      add("phases", e.name, "phase-current", e.at);
      break;
    case "marker": add(e.kind === "note" ? "notes" : "markers", (e.kind === "note" ? "" : e.kind + ": ") + e.label, e.kind, e.at); break;
    case "note": add("notes", e.text, "note", e.at); break;
    case "outcome": add("outcomes", e.title + " (" + (e.durationMs / 1000).toFixed(1) + " s)" + (e.detail ? ": " + e.detail : ""), e.ok ? "ok" : "failed", e.at); break;
    case "test": if (e.status !== "running") status("ended: " + e.title + ": " + e.status + (e.detail ? " (" + e.detail + ")" : "")); break;
    case "checkpoint": add("phases", "checkpoint " + e.name + ": " + e.state, "checkpoint", e.at); break;
    case "abort": add("markers", "aborted: " + e.reason, "abort", e.at); break;
    case "chart": {
      document.getElementById("chart").innerHTML = e.svg;
      const body = document.querySelector("#latest tbody");
      body.replaceChildren(...Object.entries(e.latest).map(([name, value]) => {
        const tr = document.createElement("tr");
        tr.dataset.series = name;
        const th = document.createElement("th");
        th.textContent = name;
        const td = document.createElement("td");
        td.className = "value";
        td.textContent = String(value);
        tr.append(th, td);
        return tr;
      }));
      break;
    }
  }
};
</script>
</body></html>
`;
}
