#!/usr/bin/env node
// Runs before `npm run gameday` and `npm test` (npm's pre-scripts), so a fresh clone works with the
// README's two commands: installs the npm dependencies if missing, and Debian's chromium,
// rabbitmq-server, prometheus and prometheus-alertmanager (and tmux for the tests) if missing (as root; otherwise it prints the
// command to run). Plain JS: it must work before anything is installed.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const lock = path.join(root, "node_modules", ".package-lock.json");
const run = (command, args, env = {}) => execFileSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });

const debian = [
  ["/usr/bin/chromium", "chromium"],
  ["/usr/lib/rabbitmq/bin/rabbitmq-server", "rabbitmq-server"],
  // The run's own detection stack (helpers/monitoring); the packaged services are never used.
  ["/usr/bin/prometheus", "prometheus"],
  ["/usr/bin/prometheus-alertmanager", "prometheus-alertmanager"],
  // Only the tests: they drive a real terminal (Ctrl-C to the process group, facilitated runs).
  ...(process.argv.includes("--tmux") ? [["/usr/bin/tmux", "tmux"]] : []),
].filter(([file]) => !fs.existsSync(file)).map(([, pkg]) => pkg);
const chromiumOverride = process.env.GAMEDAY_CHROMIUM && fs.existsSync(process.env.GAMEDAY_CHROMIUM);
const rabbitOverride = process.env.RABBITMQ_URL || process.env.GAMEDAY_RABBITMQ_SERVER;
const overridden = {
  chromium: chromiumOverride,
  "rabbitmq-server": rabbitOverride,
  prometheus: process.env.GAMEDAY_PROMETHEUS && fs.existsSync(process.env.GAMEDAY_PROMETHEUS),
  "prometheus-alertmanager": process.env.GAMEDAY_ALERTMANAGER && fs.existsSync(process.env.GAMEDAY_ALERTMANAGER),
};
const missing = debian.filter((pkg) => !overridden[pkg]);
if (missing.length > 0) {
  if (process.getuid?.() === 0 && fs.existsSync("/usr/bin/apt-get")) {
    console.log(`gameday: installing Debian packages ${missing.join(", ")} (once)`);
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { DEBIAN_FRONTEND: "noninteractive" });
  } else {
    console.error(`gameday: missing ${missing.join(", ")}. Install with: sudo apt-get install -y ${missing.join(" ")}`);
    process.exit(3);
  }
}

const lockfile = path.join(root, "package-lock.json");
if (!fs.existsSync(lock) || fs.statSync(lock).mtimeMs < fs.statSync(lockfile).mtimeMs) {
  console.log("gameday: installing npm dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"], { PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" });
}

// The tests also need the pinned Kubernetes control plane (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler, kwok), built from the Go module proxy into a
// version-keyed cache: about 11 minutes the first time on 2 cores, instant afterwards.
if (process.argv.includes("--control-plane") && !process.env.GAMEDAY_CONTROL_PLANE_BIN) {
  const started = Date.now();
  try {
    const binDir = execFileSync("bash", [path.join(root, "tools", "control-plane", "build.sh")], { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
      .toString()
      .trim();
    const seconds = Math.round((Date.now() - started) / 1000);
    if (seconds > 5) console.log(`gameday: built the Kubernetes control plane in ${seconds} s: ${binDir}`);
  } catch (error) {
    console.error(`gameday: could not build the Kubernetes control plane (tools/control-plane/build.sh, exit ${error.status ?? "?"}); see its output above`);
    process.exit(3);
  }
}

// The suite also checks the example GitHub Actions workflow with actionlint, built the same way
// (tools/actionlint/build.sh; under a minute the first time).
if (process.argv.includes("--actionlint")) {
  try {
    execFileSync("bash", [path.join(root, "tools", "actionlint", "build.sh")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  } catch (error) {
    console.error(`gameday: could not build actionlint (tools/actionlint/build.sh, exit ${error.status ?? "?"}); see its output above`);
    process.exit(3);
  }
}
