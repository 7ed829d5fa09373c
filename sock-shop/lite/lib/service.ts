// Process lifecycle shared by every lite service: listen on PORT, exit with the supervisor.
import type http from "node:http";

export function env(name: string, fallback?: string): string {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") {
    console.error(`missing required environment variable ${name}`);
    process.exit(78); // EX_CONFIG: a misconfigured build crash-loops, as a bad image would
  }
  return value;
}

/** Base URL of another service, given by the platform as <NAME>_URL (e.g. CATALOGUE_URL). */
export function serviceUrl(name: string): string {
  return env(`${name.toUpperCase().replace(/-/g, "_")}_URL`).replace(/\/$/, "");
}

/**
 * Starts the server and ties the process to its supervisor: when the supervisor's end of stdin
 * closes (it exited, even by SIGKILL), this replica exits too, so no orphan outlives a run.
 */
export function runService(name: string, server: http.Server, onShutdown?: () => Promise<void>): void {
  const port = Number(env("PORT", "0"));
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${name} stopping (${reason})`);
    server.close();
    const done = onShutdown ? onShutdown() : Promise.resolve();
    done.catch(() => undefined).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  if (process.env.GAMEDAY_SUPERVISED === "1") {
    process.stdin.on("end", () => shutdown("supervisor gone"));
    process.stdin.on("error", () => shutdown("supervisor gone"));
    process.stdin.resume();
  }
  server.listen(port, "127.0.0.1", () => {
    const address = server.address();
    const actual = typeof address === "object" && address ? address.port : port;
    console.log(`${name} listening on 127.0.0.1:${actual}`);
  });
}
