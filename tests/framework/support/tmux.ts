// A real terminal for the framework's tests: a command in a tmux pane on a private tmux server
// (its own socket, so no one else's sessions are touched), keys typed into it, the screen read back.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export class TmuxTerminal {
  private readonly socket: string;
  private readonly exitFile: string;

  /** Starts `command` (run from `cwd` with `env` exported) in a 200×50 pane; `dir` keeps its script and exit code. */
  constructor(command: string[], options: { cwd: string; env: Record<string, string | undefined>; dir: string }) {
    this.socket = `gameday-test-${process.pid}-${Date.now()}`;
    fs.mkdirSync(options.dir, { recursive: true });
    this.exitFile = path.join(options.dir, "exit-code");
    fs.rmSync(this.exitFile, { force: true });
    const script = path.join(options.dir, "run.sh");
    const exports = Object.entries(options.env)
      .filter((e): e is [string, string] => e[1] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e[0]))
      .map(([k, v]) => `export ${k}=${quote(v)}`);
    // The tmux server hands its sessions the environment of whoever started it (this test, with CI
    // set in CI): what `env` leaves out must be unset, or the command sees it anyway.
    const unsets = Object.keys(process.env)
      .filter((k) => options.env[k] === undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      .map((k) => `unset ${k}`);
    // The pane stays open after the command ends, so its last screen can still be read.
    fs.writeFileSync(script, [...unsets, ...exports, `cd ${quote(options.cwd)}`, `${command.map(quote).join(" ")}`, `echo $? > ${quote(this.exitFile)}`, "sleep 3600", ""].join("\n"));
    this.tmux("new-session", "-d", "-s", "t", "-x", "200", "-y", "50", `bash ${quote(script)}`);
    this.tmux("set-option", "-t", "t", "history-limit", "20000");
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** Everything the pane has shown, scrollback included, wrapped lines joined. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "t");
  }

  /** Types `text` and presses Enter. */
  type(text: string): void {
    if (text) this.tmux("send-keys", "-t", "t", "-l", text);
    this.tmux("send-keys", "-t", "t", "Enter");
  }

  /** The command's exit code once it ended, else undefined. */
  exitCode(): number | undefined {
    return fs.existsSync(this.exitFile) ? Number(fs.readFileSync(this.exitFile, "utf8").trim()) : undefined;
  }

  /** Ends the private tmux server (and with it what still runs in the pane), and removes its socket. */
  close(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
    fs.rmSync(path.join(process.env.TMUX_TMPDIR ?? "/tmp", `tmux-${process.getuid?.() ?? 0}`, this.socket), { force: true });
  }
}
