// Benchmarks of the Kubernetes platform, printed as ratios measured in one run. Not a test: these
// machines are shared and noisy, so numbers are reported, never asserted.
//   npm run bench:kubernetes               all measurements
//   npm run bench:kubernetes -- --quick    fewer repetitions
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eventually, that } from "../helpers/invariants/temporal.ts";
import { controlPlaneBinDir, LocalControlPlane } from "../helpers/platforms/kubernetes/control-plane.ts";
import { startEmbeddedKubernetes } from "../helpers/platforms/kubernetes/embedded.ts";
import { LocalPlatform } from "../helpers/platforms/local/local-platform.ts";
import type { Platform } from "../helpers/platforms/platform.ts";
import { QueueInspector, type QueueStats } from "../helpers/broker/queue-inspector.ts";
import { SHIPPING_QUEUE } from "../sock-shop/lite/lib/rabbit.ts";
import { QUEUE_CONSUMER, sockShop } from "../sock-shop/target.ts";

const quick = process.argv.includes("--quick");
const REPEAT = quick ? 3 : 7;
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-bench-k8s-"));
const rows: string[][] = [];
const row = (...cells: string[]): void => void rows.push(cells);
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;

// 1. Reusing the built binaries: build.sh with a warm cache, against `go version` (the cheapest Go call).
const reuse: number[] = [];
const goVersion: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  let t = performance.now();
  await controlPlaneBinDir();
  reuse.push(performance.now() - t);
  t = performance.now();
  execFileSync("go", ["version"]);
  goVersion.push(performance.now() - t);
}
row("control-plane binaries, warm cache (build.sh)", ms(median(reuse)), `go version ${ms(median(goVersion))}`, ratio(median(reuse), median(goVersion)));

// 2. Control plane start: etcd + apiserver + controller-manager + scheduler + kwok, nodes Ready.
const binDir = await controlPlaneBinDir();
const starts: number[] = [];
for (let i = 0; i < Math.min(REPEAT, 3); i++) {
  const plane = await LocalControlPlane.start({ binDir, workDir: path.join(workDir, `cp-${i}`) });
  starts.push(plane.startMs);
  await plane.stop();
}

// 3. Boot of the embedded Sock Shop: local platform against the kubernetes platform (control plane +
//    manifests + local platform + binding).
let t = performance.now();
const local = await LocalPlatform.start({ target: sockShop, runId: `bench-local-${Date.now().toString(36)}`, workDir });
const localBootMs = performance.now() - t;
t = performance.now();
const kubernetes = await startEmbeddedKubernetes({ target: sockShop, runId: `bench-k8s-${Date.now().toString(36)}`, workDir });
const kubernetesBootMs = performance.now() - t;
row("control plane start, nodes Ready (median)", ms(median(starts)), `Sock Shop boot, local ${ms(localBootMs)}`, ratio(median(starts), localBootMs));
row("Sock Shop boot on the embedded cluster", ms(kubernetesBootMs), `local platform ${ms(localBootMs)}`, ratio(kubernetesBootMs, localBootMs));

// 4. The headline fault: scale queue-master to 0 → the queue shows 0 consumers, through the API
//    server (kwok, the binding, the process) against the local platform's direct call.
async function scaleToZeroLatency(platform: Platform): Promise<number[]> {
  const inspector = await QueueInspector.connect(platform.endpoint(sockShop.brokerEndpoint), "bench broker");
  const probe = inspector.probe(SHIPPING_QUEUE);
  const consumersAre = (n: number) => that<QueueStats>(`${n} consumers`, (s) => s.consumers === n);
  const samples: number[] = [];
  try {
    for (let i = 0; i < REPEAT; i++) {
      await eventually(probe, consumersAre(1), { withinMs: 30_000, after: "scale up" });
      const start = performance.now();
      await platform.scale(QUEUE_CONSUMER, 0);
      await eventually(probe, consumersAre(0), { withinMs: 10_000, after: "scale to 0", intervalMs: 20 });
      samples.push(performance.now() - start);
      await platform.scale(QUEUE_CONSUMER, 1);
    }
  } finally {
    await inspector.dispose();
  }
  return samples;
}
const viaLocal = await scaleToZeroLatency(local);
const viaKubernetes = await scaleToZeroLatency(kubernetes);
row(`scale to 0 → 0 consumers (median of ${REPEAT})`, `kubernetes ${ms(median(viaKubernetes))}`, `local ${ms(median(viaLocal))}`, ratio(median(viaKubernetes), median(viaLocal)));

await kubernetes.dispose();
await local.dispose();
fs.rmSync(workDir, { recursive: true, force: true });

const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => r[c]?.length ?? 0))) ?? [];
console.log("gameday kubernetes benchmarks (one run; ratios compare measurements taken in this run)");
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  "));
