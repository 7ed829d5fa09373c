// The script a distributed load's pods run: pod-entry.ts, undici and the target's flow catalogue,
// bundled by esbuild (tsx's own dependency) into one ESM file at run time, so a cluster needs only the
// official Node image and a ConfigMap, never an image built for gameday.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HarnessError } from "../core/errors.ts";

/** The bundle runs on this Node: the pods' image is the official node:<major>-alpine, digest-less. */
export const POD_NODE_MAJOR = 20;
export const LOAD_POD_IMAGE = `node:${POD_NODE_MAJOR}-alpine`;

const POD_ENTRY = fileURLToPath(new URL("./pod-entry.ts", import.meta.url));

/** One ESM file that runs a pod of the load with the catalogue `exportName` of `module` (a file: URL or path). */
export async function bundleLoadPod(catalogue: { module: string; exportName: string }): Promise<string> {
  const modulePath = catalogue.module.startsWith("file:") ? fileURLToPath(catalogue.module) : catalogue.module;
  const entry = [
    `import { runPod } from ${JSON.stringify(POD_ENTRY)};`,
    `import { ${catalogue.exportName} as catalogue } from ${JSON.stringify(modulePath)};`,
    "runPod(catalogue).then(() => process.exit(0), (error) => { console.error(error instanceof Error ? error.message : String(error)); process.exit(1); });",
  ].join("\n");
  try {
    // Loaded here, not at import: validating and planning never bundle.
    const { build } = await import("esbuild");
    const result = await build({
      stdin: { contents: entry, resolveDir: path.dirname(POD_ENTRY), sourcefile: "gameday-load-pod.mjs", loader: "js" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: `node${POD_NODE_MAJOR}`,
      minify: true,
      legalComments: "none",
      write: false,
      logLevel: "silent",
      // undici is CommonJS: give its require() of Node's modules a home in the ESM bundle.
      banner: { js: 'import { createRequire as __gamedayRequire } from "node:module"; const require = __gamedayRequire(import.meta.url);' },
    });
    const file = result.outputFiles[0];
    if (!file) throw new Error("esbuild produced no output");
    return file.text;
  } catch (error) {
    throw new HarnessError(`bundling the load's pod script (${modulePath}, export ${catalogue.exportName}): ${error instanceof Error ? error.message.split("\n").slice(0, 5).join(" ") : String(error)}`, { cause: error });
  }
}
