// The control plane's binaries: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
// kwok, built at pinned versions by tools/control-plane/build.sh into a version-keyed cache, or a
// directory of one's own ($GAMEDAY_CONTROL_PLANE_BIN).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EnvironmentNotReady } from "../../core/errors.ts";

/** The order they start in; they stop in the reverse order. */
export const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
export type Component = (typeof COMPONENTS)[number];

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Fails, naming what is missing and the fix, unless `binDir` holds an executable of each component. */
export function requireBinaries(binDir: string): void {
  const missing = COMPONENTS.filter((component) => {
    try {
      fs.accessSync(path.join(binDir, component), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new EnvironmentNotReady(
      `the control plane binaries directory ${binDir} lacks ${missing.join(", ")} (no executable file of that name); build them with tools/control-plane/build.sh or point GAMEDAY_CONTROL_PLANE_BIN at a directory holding ${COMPONENTS.join(", ")}`,
    );
  }
}

/**
 * The directory holding the control plane's binaries: $GAMEDAY_CONTROL_PLANE_BIN if set, else what
 * tools/control-plane/build.sh prints (instant once built; a cold build takes 20–40 min, so the
 * default limit is generous). Build progress goes to `log`.
 */
export async function controlPlaneBinDir(options: { log?: (line: string) => void; buildTimeoutMs?: number } = {}): Promise<string> {
  const fromEnv = process.env.GAMEDAY_CONTROL_PLANE_BIN;
  if (fromEnv) return path.resolve(fromEnv);
  const script = path.join(REPO_ROOT, "tools", "control-plane", "build.sh");
  const buildTimeoutMs = options.buildTimeoutMs ?? 90 * 60_000;
  const { code, timedOut, stdout, stderr } = await new Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string[] }>((resolve, reject) => {
    // Its own process group, so a timeout stops the go compilers under it too.
    const child = spawn("bash", [script], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let partial = "";
    let timedOut = false;
    const errLines: string[] = [];
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // already gone
      }
    }, buildTimeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        options.log?.(line);
        errLines.push(line);
        if (errLines.length > 40) errLines.shift();
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new EnvironmentNotReady(`could not run ${script} with bash: ${error.message}`));
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, timedOut, stdout: out, stderr: partial ? [...errLines, partial] : errLines });
    });
  });
  const binDir = stdout.trim().split("\n").pop() ?? "";
  if (code !== 0 || !binDir || !fs.existsSync(binDir)) {
    const how = timedOut ? `did not finish within ${buildTimeoutMs} ms and was killed` : code === 0 ? `printed "${binDir}", which is not a directory` : `failed with exit code ${code ?? "(killed by a signal)"}`;
    throw new EnvironmentNotReady(
      `${script} ${how}; the end of its output:\n${stderr.slice(-15).join("\n") || "(no output)"}\n` +
        "Fix that, or set GAMEDAY_CONTROL_PLANE_BIN to a directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok.",
    );
  }
  return binDir;
}
