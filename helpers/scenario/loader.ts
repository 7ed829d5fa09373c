// Loads a scenario file: YAML → variables substituted → zod → semantic checks. Either every check
// passes and the scenario comes back typed (durations in ms, defaults filled), or a ScenarioProblems
// lists every problem at once, each at file:line:col of the original YAML with a code frame and a fix.
import fs from "node:fs";
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node, type YAMLError } from "yaml";
import { loadFlowFindings, semanticChecks } from "./checks.ts";
import { acceptsBoolean, acceptsNumber, schemaAt } from "./introspect.ts";
import { describeIssues, plainEnglish } from "./issues.ts";
import { monitoringFindings } from "./alerts.ts";
import { formatPath, ScenarioProblems, valueAt, type Finding, type PathSegment, type Problem } from "./problems.ts";
import { ScenarioSpec, type Scenario } from "./schema.ts";
import { substitute, type VariableSources } from "./variables.ts";
import { maskSecret, redact } from "../core/redact.ts";

export { ScenarioProblems, type Problem } from "./problems.ts";

export type LoadOptions = VariableSources & {
  /** The alert rule files of a target by name, to check `detect:` against; unchecked when absent. */
  targetRuleFiles?: ((target: string) => readonly string[] | undefined) | undefined;
  /** The load flows a target offers by name, to check `during.load.flow` against; unchecked when absent. */
  targetLoadFlows?: ((target: string) => readonly string[] | undefined) | undefined;
};

export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** The resolved values of secret variables: redact them from anything printed. */
  secrets: string[];
  /** The file's text as read (before substitution). */
  source: string;
}

export function loadScenario(file: string, options: LoadOptions = {}): LoadedScenario {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as NodeJS.ErrnoException).code === "EISDIR" ? "it is a directory" : (error as Error).message;
    throw new ScenarioProblems(file, [{ file, line: 1, col: 1, path: "(file)", code: "unreadable_file", message: `cannot read the scenario: ${reason}`, fix: "check the path" }]);
  }
  return loadScenarioText(text, file, options);
}

export function loadScenarioText(text: string, file: string, options: LoadOptions = {}): LoadedScenario {
  const source = text.replace(/^\uFEFF/, "");
  const lineCounter = new LineCounter();
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  const failure = (problems: Problem[], hidden: readonly string[] = []): ScenarioProblems =>
    new ScenarioProblems(file, sortProblems(dedupe(problems)), source, hidden);

  // 1. YAML: syntax, then the shape of the file (one document holding a mapping).
  const documents = parseAllDocuments(source, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const docs = Array.isArray(documents) ? documents : [];
  const syntax = docs.flatMap((doc) => doc.errors.map((error) => yamlProblem(file, source, doc, error, at)));
  if (syntax.length > 0) {
    // One syntax problem per line: the rest of a line after the first error is mostly its echo. The code
    // frames may show a secret's default: hide what the part that did parse declares as secret.
    const hidden = docs.flatMap((doc) => {
      try {
        return substitute(doc.toJS(), options).hidden;
      } catch {
        return [];
      }
    });
    throw failure(
      syntax.filter((p, i) => syntax.findIndex((q) => q.line === p.line) === i),
      hidden,
    );
  }

  // An empty document (a trailing "---") holds nothing to validate.
  const filled = docs.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null && d.contents.range?.[0] === d.contents.range?.[1])));
  const doc = filled[0];
  if (doc === undefined) {
    throw failure([
      {
        file,
        line: 1,
        col: 1,
        path: "(root)",
        code: "empty_file",
        message: "the file has no scenario in it",
        fix: "a scenario is a mapping with at least name, description, target, steady-state and faults",
      },
    ]);
  }
  const document = doc;
  if (filled.length > 1) {
    const second = (filled[1] as Document.Parsed).contents as Node;
    const marker = source.lastIndexOf("---", second.range?.[0] ?? 0);
    throw failure([
      {
        file,
        ...at(marker >= 0 ? marker : (second.range?.[0] ?? 0)),
        path: "(root)",
        code: "multiple_documents",
        message: `the file holds ${filled.length} YAML documents (separated by ---); a scenario file holds one`,
        fix: "put each scenario in a file of its own",
      },
    ]);
  }
  const root = document.contents as Node;
  if (!isMap(root)) {
    const found = isSeq(root) ? "a list" : isScalar(root) ? `the value ${JSON.stringify(String(root.value)).slice(0, 60)}` : "something else";
    const fix =
      isScalar(root) && typeof root.value === "string" && /^[\w-]+:\S/.test(root.value)
        ? 'put a space after each colon: "name: value"'
        : "write the scenario as key: value lines at the start of the line (name:, description:, target:, steady-state:, faults:)";
    throw failure([{ file, ...at(root.range?.[0] ?? 0), path: "(root)", code: "not_a_mapping", message: `the top level must be a mapping of keys, found ${found}`, fix }]);
  }

  let raw: unknown;
  try {
    raw = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw failure([aliasProblem(file, document, error as Error, at)]);
  }

  // 2. Variables, then whole references (`replicas: ${replicas}`) become numbers/booleans where the schema wants them.
  const substitution = substitute(raw, options);
  const data = substitution.data;
  for (const path of substitution.whole) {
    const parentValue = valueAt(data, path.slice(0, -1)) as Record<PathSegment, unknown>;
    const key = path.at(-1) as PathSegment;
    const value = parentValue[key];
    if (typeof value !== "string") continue;
    const schema = schemaAt(ScenarioSpec, path, data);
    if (acceptsNumber(schema) && /^-?\d+(\.\d+)?$/.test(value.trim())) parentValue[key] = Number(value);
    else if (acceptsBoolean(schema) && (value === "true" || value === "false")) parentValue[key] = value === "true";
  }

  // 3. The schema, then what it cannot express.
  const result = ScenarioSpec.safeParse(data, { reportInput: true, error: plainEnglish });
  const underBroken = (path: readonly PathSegment[]): boolean => substitution.broken.some((b) => b.length <= path.length && b.every((s, i) => s === path[i]));
  const findings: Finding[] = [
    ...substitution.findings,
    ...(result.success ? [] : describeIssues(result.error.issues, { data, origins: substitution.origins }).filter((f) => !underBroken(f.path))),
    ...semanticChecks(data).filter((f) => !underBroken(f.path)),
  ];
  if (!result.success && findings.length === 0) {
    // Never reject without saying why: zod's own words, should the translation have dropped them all.
    findings.push(...result.error.issues.map((issue) => ({ path: issue.path as PathSegment[], code: issue.code, message: issue.message })));
  }
  if (result.success && options.targetRuleFiles) findings.push(...monitoringFindings(result.data, file, options.targetRuleFiles(result.data.target)));
  if (result.success && options.targetLoadFlows) findings.push(...loadFlowFindings(result.data, options.targetLoadFlows(result.data.target)));
  if (findings.length > 0 || !result.success) {
    const problems = findings.map((finding) => locate(file, source, document, finding, at, substitution.hidden));
    throw failure(problems, substitution.hidden);
  }
  // Whatever this process prints or reports from now on hides them (reporters, step titles, traces).
  for (const secret of substitution.hidden) maskSecret(secret);
  return { file, scenario: result.data, secrets: substitution.secrets, source };
}

/** The `detect:` check at run time (the CLI checks it at load): a located ScenarioProblems, or nothing. */
export function checkMonitoring(loaded: LoadedScenario, targetRuleFiles: readonly string[] | undefined): void {
  const findings = monitoringFindings(loaded.scenario, loaded.file, targetRuleFiles);
  if (findings.length === 0) return;
  const lineCounter = new LineCounter();
  const document = parseAllDocuments(loaded.source, { lineCounter })[0] as Document.Parsed;
  const at = (offset: number): { line: number; col: number } => lineCounter.linePos(offset);
  throw new ScenarioProblems(loaded.file, findings.map((f) => locate(loaded.file, loaded.source, document, f, at, loaded.secrets)), loaded.source, loaded.secrets);
}

// ---- locating ----------------------------------------------------------------------------------

/** Where a path of a scenario's data starts in its source (the nearest existing parent when it is missing). */
export function positionOf(source: string, path: readonly PathSegment[]): { line: number; col: number } {
  const lineCounter = new LineCounter();
  const document = parseAllDocuments(source, { lineCounter });
  const first = Array.isArray(document) ? document[0] : undefined;
  if (first === undefined) return { line: 1, col: 1 };
  const { node, keyNode } = walk(first, path);
  return lineCounter.linePos(start(keyNode) ?? start(node) ?? 0);
}


interface Walked {
  /** The node at the deepest existing prefix of the path. */
  node: Node | null;
  /** The key of the pair that led to it, when it is a mapping value. */
  keyNode: Node | undefined;
  /** How many segments of the path exist in the YAML. */
  depth: number;
}

function walk(document: Document.Parsed, path: readonly PathSegment[]): Walked {
  let node = document.contents as Node | null;
  let keyNode: Node | undefined;
  let depth = 0;
  for (const segment of path) {
    if (isAlias(node)) node = (node.resolve(document) as Node | undefined) ?? node;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (pair === undefined) break;
      keyNode = pair.key as Node;
      node = (pair.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof segment === "number" && segment < node.items.length) {
      keyNode = undefined;
      node = node.items[segment] as Node | null;
    } else {
      break;
    }
    depth++;
  }
  return { node, keyNode, depth };
}

const start = (node: Node | null | undefined): number | undefined => node?.range?.[0];

function locate(
  file: string,
  source: string,
  document: Document.Parsed,
  finding: Finding,
  at: (offset: number) => { line: number; col: number },
  hidden: readonly string[],
): Problem {
  const full = walk(document, finding.path);
  const exists = full.depth === finding.path.length;
  let offset: number | undefined;
  if (finding.at === "parent" || !exists) {
    const parent = exists ? walk(document, finding.path.slice(0, -1)) : full;
    offset = start(parent.keyNode) ?? start(parent.node);
  } else if (finding.at === "key") {
    offset = start(full.keyNode) ?? start(full.node);
  } else {
    offset = start(full.node) ?? start(full.keyNode);
    const range = full.node?.range;
    if (finding.token !== undefined && range) {
      const index = source.slice(range[0], range[1]).indexOf(finding.token);
      if (index >= 0) offset = range[0] + index;
    }
  }
  const position = at(offset ?? start(document.contents) ?? 0);
  const problem: Problem = {
    file,
    ...position,
    path: formatPath(finding.path),
    message: redact(finding.message, hidden),
    code: finding.code,
  };
  if (finding.fix !== undefined) problem.fix = redact(finding.fix, hidden);
  return problem;
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.col}:${p.path}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- YAML syntax ---------------------------------------------------------------------------------

const YAML_WORDING: Record<string, { message?: string; fix: string }> = {
  TAB_AS_INDENT: { message: "a tab is used for indentation", fix: "YAML indents with spaces only: replace the tab with spaces" },
  DUPLICATE_KEY: { fix: "a key may appear once per mapping: remove or rename one of them" },
  BAD_INDENT: { message: "this line does not line up with the other keys of its mapping", fix: "indent it with spaces to the same column as the keys above it" },
  BLOCK_AS_IMPLICIT_KEY: {
    message: "a value here contains \": \", or the line after it is indented too far",
    fix: 'put a value containing ": " in quotes, and line up each key with the keys above it',
  },
  MULTILINE_IMPLICIT_KEY: { message: "a key is missing its colon, or a line is indented too far", fix: 'every line of a mapping reads "key: value"; check the colon and the indentation' },
  MISSING_CHAR: { fix: "add the missing character" },
  BAD_SCALAR_START: { fix: "put the value in quotes" },
  UNEXPECTED_TOKEN: { fix: "check the indentation and the punctuation on this line" },
  BAD_DIRECTIVE: { fix: "remove the line starting with %, or quote the value" },
};

function yamlProblem(file: string, source: string, doc: Document.Parsed, error: YAMLError, at: (offset: number) => { line: number; col: number }): Problem {
  const wording = YAML_WORDING[error.code];
  let offset = error.pos[0];
  let message = wording?.message ?? error.message.replace(/ at line \d+, column \d+[\s\S]*$/, "");
  let fix = wording?.fix;
  if (error.code === "DUPLICATE_KEY") {
    const key = /^[^:\n]*/.exec(source.slice(offset))?.[0]?.trim() ?? "";
    message = `the key "${key}" appears twice in this mapping`;
  } else if (error.code === "MISSING_CHAR" && /quote/.test(error.message)) {
    // yaml reports the end of the file; point at the quote that was opened instead.
    let opening: number | undefined;
    visit(doc, {
      Scalar(_key, node) {
        if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && node.range && node.range[0] < error.pos[0]) opening = node.range[0];
      },
    });
    if (opening !== undefined) offset = opening;
    const quote = source[offset] === "'" ? "'" : '"';
    message = "this quoted value is never closed";
    fix = `add the closing ${quote} at the end of the value`;
  } else if (error.code === "MISSING_CHAR" && /Implicit map keys need to be followed by map values/.test(error.message)) {
    const text = /^[^\n#]*/.exec(source.slice(offset))?.[0]?.trim() ?? "";
    const glued = /^([^:\s]+):(\S.*)$/.exec(text);
    message = `"${text}" is read as a key without a value`;
    fix = glued ? `put a space after the colon: "${glued[1] as string}: ${glued[2] as string}"` : `write "${text}: value"`;
  } else if (error.code === "BAD_SCALAR_START") {
    const text = /^[^\n#]*/.exec(source.slice(offset))?.[0]?.trim() ?? "";
    message = `a plain value cannot start with ${JSON.stringify(text.charAt(0))}`;
    fix = `put the value in quotes: "${text.replace(/"/g, '\\"')}"`;
  } else if (error.code === "MISSING_CHAR" && /Sequence item without -/.test(error.message)) {
    message = "this line is indented as if it continued a list item, but does not line up with its keys";
    fix = "line the key up with the first key after the \"- \" above it";
  } else if (error.code === "BAD_INDENT" && /^Flow (sequence|map)/.test(error.message)) {
    const open = /^Flow sequence/.test(error.message) ? "[" : "{";
    const close = open === "[" ? "]" : "}";
    const index = source.lastIndexOf(open, offset);
    if (index >= 0) offset = index;
    message = `this ${open} … ${close} is not closed`;
    fix = `close it with ${close} on the same line`;
  }
  const problem: Problem = { file, ...at(offset), path: "YAML syntax", message, code: error.code };
  if (fix !== undefined) problem.fix = fix;
  return problem;
}

function aliasProblem(file: string, document: Document.Parsed, error: Error, at: (offset: number) => { line: number; col: number }): Problem {
  let offset: number | undefined;
  let name = "";
  visit(document, {
    Alias(_key, node) {
      if (offset === undefined && node.resolve(document) === undefined) {
        offset = node.range?.[0];
        name = node.source;
      }
    },
  });
  if (offset !== undefined) {
    return { file, ...at(offset), path: "YAML syntax", code: "BAD_ALIAS", message: `*${name} refers to an anchor that is not defined above it`, fix: `define &${name} before using *${name}, or write the value out` };
  }
  return { file, ...at(0), path: "YAML syntax", code: "BAD_ALIAS", message: error.message.replace(/\s+/g, " "), fix: "write the values out instead of using so many aliases" };
}
