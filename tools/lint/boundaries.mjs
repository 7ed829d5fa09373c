// The folder boundaries of docs/architecture.md, as data: which rooms each room may import from.
// eslint.config.mjs enforces them with the rule below ("gameday/boundaries"), and a test checks that
// the architecture document's "may import" column says the same. A room is a top-level folder, or
// a folder of helpers/ or sock-shop/. Imports inside a room are always allowed.
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");

/** room → the rooms (and packages) it may import. "*" allows every room. */
export const MAY_IMPORT = {
  "helpers/core": [],
  "helpers/broker": ["helpers/core"],
  "helpers/monitoring": ["helpers/core", "helpers/target"],
  "helpers/ledger": ["helpers/core"],
  "helpers/target": ["helpers/core"],
  "helpers/platforms": ["helpers/core", "helpers/broker", "helpers/ledger", "helpers/monitoring", "helpers/target"],
  "helpers/probes": ["helpers/core", "helpers/broker", "helpers/monitoring", "helpers/platforms", "helpers/target"],
  "helpers/invariants": ["helpers/core", "helpers/probes"],
  "helpers/timeline": ["helpers/core", "helpers/probes"],
  "helpers/faults": ["helpers/core", "helpers/invariants", "helpers/ledger", "helpers/platforms", "helpers/probes"],
  "helpers/detection": ["helpers/core", "helpers/monitoring", "helpers/probes"],
  "helpers/load": ["helpers/core", "helpers/target"],
  "helpers/scenario": ["helpers/core", "helpers/faults", "helpers/invariants", "helpers/load", "helpers/platforms", "helpers/probes", "helpers/target"],
  "helpers/report": ["helpers/core", "helpers/load", "helpers/scenario", "helpers/timeline", "@playwright/test"],
  fixtures: ["helpers/*", "@playwright/test"],
  "sock-shop": ["helpers/core", "helpers/target", "sock-shop/*"],
  "sock-shop/lite": [],
  "sock-shop/journeys": ["helpers/core", "helpers/target", "sock-shop", "@playwright/test"],
  "sock-shop/k8s": [],
  "sock-shop/monitoring": [],
  bin: ["helpers/*", "sock-shop"],
  tests: ["*", "@playwright/test"],
  bench: ["*"],
  tools: [],
};

/** Packages only some rooms may import. */
const RESTRICTED_PACKAGES = ["@playwright/test"];

/** The room a file (absolute path) belongs to, or undefined outside the project's rooms. */
export function roomOf(file) {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === "..") return undefined;
  if ((parts[0] === "helpers" || parts[0] === "sock-shop") && parts.length > 2) {
    const nested = `${parts[0]}/${parts[1]}`;
    if (nested in MAY_IMPORT) return nested;
  }
  return parts.length > 1 && parts[0] in MAY_IMPORT ? parts[0] : undefined;
}

function allowed(from, to) {
  const list = MAY_IMPORT[from] ?? [];
  return list.includes("*") || list.includes(to) || list.some((r) => r.endsWith("/*") && to.startsWith(r.slice(0, -1)));
}

/** The ESLint rule: an import that crosses a boundary the table does not allow is an error. */
export const boundariesRule = {
  meta: { type: "problem", docs: { description: "folder boundaries of docs/architecture.md" }, schema: [] },
  create(context) {
    const from = roomOf(context.filename);
    if (from === undefined) return {};
    const check = (node, source) => {
      if (typeof source !== "string") return;
      let to;
      if (source.startsWith(".")) to = roomOf(path.resolve(path.dirname(context.filename), source));
      else to = RESTRICTED_PACKAGES.find((p) => source === p || source.startsWith(`${p}/`));
      if (to === undefined || to === from || allowed(from, to)) return;
      context.report({ node, message: `${from} may not import ${to} (${source}); docs/architecture.md: ${from} may import ${MAY_IMPORT[from].join(", ") || "nothing outside itself"}` });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};
