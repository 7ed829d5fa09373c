// Where the CLI works: the repository root (Playwright runs there) and the reports directory.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPORTS = path.resolve(ROOT, process.env.GAMEDAY_REPORTS_DIR ?? "reports");
