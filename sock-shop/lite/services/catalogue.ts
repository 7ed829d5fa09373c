// catalogue: the upstream Go service's read API over the ten demo socks.
import { SOCKS, TAGS, type Sock } from "../data/catalogue.ts";
import { createServer, HttpError, Router } from "../lib/http.ts";
import { runService } from "../lib/service.ts";

function filtered(tags: string | null): Sock[] {
  const wanted = (tags ?? "").split(",").filter((t) => t !== "");
  return wanted.length === 0 ? [...SOCKS] : SOCKS.filter((s) => wanted.some((t) => s.tag.includes(t)));
}

function placeholderSvg(label: string): string {
  const text = label.replace(/[<>&"]/g, "");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300"><rect width="400" height="300" fill="#e8eef3"/><text x="200" y="160" font-family="sans-serif" font-size="24" text-anchor="middle" fill="#4a6b82">${text}</text></svg>`;
}

const router = new Router()
  .get("/catalogue", (req) => {
    const page = Math.max(1, Number(req.query.get("page") ?? 1));
    const size = Math.max(1, Number(req.query.get("size") ?? 10));
    const sort = (req.query.get("sort") ?? "id") as keyof Sock;
    const items = filtered(req.query.get("tags")).sort((a, b) => String(a[sort]).localeCompare(String(b[sort])));
    return { status: 200, body: items.slice((page - 1) * size, page * size) };
  })
  .get("/catalogue/size", (req) => ({ status: 200, body: { size: filtered(req.query.get("tags")).length, err: null } }))
  .get("/catalogue/images/:file", (req) => {
    const name = req.params.file?.replace(/-\d\.svg$/, "").replace(/-/g, " ") ?? "sock";
    return { status: 200, raw: placeholderSvg(name), headers: { "content-type": "image/svg+xml" } };
  })
  .get("/catalogue/:id", (req) => {
    const item = SOCKS.find((s) => s.id === req.params.id);
    if (!item) throw new HttpError(404, `no sock with id ${req.params.id ?? ""}`);
    return { status: 200, body: item };
  })
  .get("/tags", () => ({ status: 200, body: { tags: TAGS, err: null } }))
  .get("/health", () => ({ status: 200, body: { health: [{ service: "catalogue", status: "OK", time: new Date().toISOString() }] } }));

runService("catalogue", createServer(router));
