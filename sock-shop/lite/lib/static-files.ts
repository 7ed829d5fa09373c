// Static files from a directory, as upstream's express.static serves the shop's pages: GET and
// HEAD only, "/" is index.html, nothing outside the directory, Express's "Cannot GET" 404s.
import fs from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { send, type Fallback } from "./http.ts";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

function notFound(res: http.ServerResponse, method: string, pathname: string): void {
  send(res, { status: 404, raw: `Cannot ${method} ${pathname}`, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/** A server fallback answering from the files under `root` (an absolute path). */
export function staticFiles(root: string): Fallback {
  return async (req, res) => {
    const method = req.method ?? "GET";
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    if (method !== "GET" && method !== "HEAD") return notFound(res, method, pathname);
    let relative: string;
    try {
      relative = decodeURIComponent(pathname);
    } catch {
      return send(res, { status: 400, raw: `Bad Request: malformed path ${pathname}`, headers: { "content-type": "text/plain" } });
    }
    if (relative === "/") relative = "/index.html";
    const file = path.resolve(root, `.${relative}`);
    // resolve() folds "..", so anything outside the root is a traversal attempt.
    if (relative.includes("\0") || !file.startsWith(root + path.sep)) {
      return send(res, { status: 403, raw: "Forbidden", headers: { "content-type": "text/plain" } });
    }
    let content: Buffer;
    try {
      content = await fs.readFile(file);
    } catch {
      return notFound(res, method, pathname); // missing, or a directory
    }
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? "application/octet-stream";
    send(res, { status: 200, raw: content, headers: { "content-type": contentType, "cache-control": "no-cache" } });
  };
}
