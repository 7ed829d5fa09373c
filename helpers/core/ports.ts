import fs from "node:fs";
import net from "node:net";

/**
 * The kernel's range for outgoing connections' source ports. A listening port taken from it can be
 * grabbed by any outgoing connection between our check and the replica's bind (a Kubernetes client's
 * keep-alive socket, say), and a replica restarting on its port then fails with EADDRINUSE for as long
 * as that connection lives; so ports we hand out come from below it.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (low && high) return [low, high];
  } catch {
    // not Linux: the common default
  }
  return [32768, 60999];
}

const [EPHEMERAL_LOW, EPHEMERAL_HIGH] = ephemeralRange();
/** Where free ports are looked for: 10000 ports just below the ephemeral range (or just above it). */
const POOL = EPHEMERAL_LOW >= 11_024 ? { low: EPHEMERAL_LOW - 10_000, high: EPHEMERAL_LOW - 1 } : { low: EPHEMERAL_HIGH + 1, high: Math.min(65_535, EPHEMERAL_HIGH + 10_000) };

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const bound = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * Ports this process handed out, and when: a port is free between the check and its user's bind
 * (a replica takes a second to start), so it must not be handed out twice in that window.
 */
const handedOut = new Map<number, number>();
const HANDED_OUT_MS = 10 * 60_000;

function reserve(port: number): number {
  const now = Date.now();
  for (const [p, at] of handedOut) if (now - at > HANDED_OUT_MS) handedOut.delete(p);
  handedOut.set(port, now);
  return port;
}

/** True when nothing listens on (or holds) 127.0.0.1:port right now. */
export async function portIsFree(port: number): Promise<boolean> {
  return (await tryListen(port)) !== undefined;
}

/** A free TCP port on 127.0.0.1, outside the range outgoing connections take their ports from. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const candidate = POOL.low + Math.floor(Math.random() * (POOL.high - POOL.low + 1));
    if (handedOut.has(candidate)) continue;
    const port = await tryListen(candidate);
    if (port !== undefined) return reserve(port);
  }
  const port = await tryListen(0); // the pool is crowded: let the kernel choose
  if (port === undefined) throw new Error("no free TCP port on 127.0.0.1");
  return reserve(port);
}

/** True when something accepts TCP connections on host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
