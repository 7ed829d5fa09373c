// The CLI run as a user runs it, for the framework's tests.
import { spawn } from "node:child_process";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, interleaved as they arrived. */
  output: string;
}

/**
 * Runs `gameday <args>` from the repository root with `env`; resolves with its exit code and everything
 * it printed. `watch` sees the output so far each time more arrives (to act during the run); `signal`
 * stops the CLI with SIGTERM (which it hands to Playwright as its graceful stop: faults are reverted).
 */
export async function gameday(args: string[], env: NodeJS.ProcessEnv = process.env, watch?: (output: string) => void, signal?: AbortSignal): Promise<CliResult> {
  const cli = spawn(process.execPath, ["--import", "tsx", "bin/gameday.ts", ...args], { cwd: process.cwd(), env, stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
  cli.on("error", () => undefined); // an abort through `signal` is reported as the exit below
  const result: CliResult = { code: null, stdout: "", stderr: "", output: "" };
  cli.stdout.on("data", (d: Buffer) => {
    result.stdout += d.toString();
    result.output += d.toString();
    watch?.(result.output);
  });
  cli.stderr.on("data", (d: Buffer) => {
    result.stderr += d.toString();
    result.output += d.toString();
  });
  result.code = await new Promise<number | null>((resolve) => cli.once("exit", resolve));
  return result;
}
