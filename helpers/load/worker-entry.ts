// A load worker process (forked by workers.ts): runs one share of the schedule and streams its
// events to the parent, which tags them by phase and merges them. It ends when its share is done,
// when told to stop, and when the parent goes away (the IPC channel closes).
import type { EventBatch } from "./events.ts";
import { BatchRecorder } from "./events.ts";
import type { LoadEngine } from "./engine.ts";
import { prepareShare } from "./share.ts";
import type { ToWorker, FromWorker } from "./workers.ts";

const FLUSH_MS = 200;
const recorder = new BatchRecorder();
let engine: LoadEngine | undefined;
let stopAsked = false;

function send(message: FromWorker): void {
  process.send?.(message);
}

function flush(): void {
  if (!recorder.empty) send({ type: "events", batch: recorder.drain() satisfies EventBatch });
}

async function run(at: number): Promise<void> {
  if (!engine) throw new Error("start before init");
  engine.begin(at);
  if (stopAsked) engine.stop();
  const timer = setInterval(flush, FLUSH_MS);
  const outcome = await engine.done();
  clearInterval(timer);
  flush();
  send({ type: "done", reached: outcome.reached, planned: outcome.planned });
  process.disconnect();
}

process.on("disconnect", () => process.exit(0));
process.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "init":
      prepareShare(message.config, recorder).then(
        (prepared) => {
          engine = prepared;
          send({ type: "ready", planned: prepared.planned });
        },
        (error: unknown) => {
          send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
          process.exit(1);
        },
      );
      return;
    case "start":
      run(message.at).catch((error: unknown) => {
        send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
        process.exit(1);
      });
      return;
    case "stop":
      stopAsked = true;
      engine?.stop();
      return;
  }
});
