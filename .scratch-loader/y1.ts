import { parseDocument, parseAllDocuments, LineCounter } from "yaml";
const cases: Record<string,string> = {
  tab: "name: x\nfaults:\n\t- kind: scale\n",
  tabval: "name: x\nfaults:\n  - kind:\tscale\n",
  unclosedDq: 'name: "x\ndescription: y\ntarget: z\n',
  unclosedSq: "name: 'x\ndescription: y\n",
  dup: "name: x\nname: y\n",
  badindent: "name: x\nfaults:\n  - kind: scale\n   deployment: q\n",
  badindent2: "name: x\n  description: y\n",
  colon: "name: x\ndescription: a: b\n",
  flow: "name: x\ntags: [a, b\n",
  multi: "name: x\n---\nname: y\n",
  empty: "",
  comments: "# only\n",
  list: "- a\n- b\n",
  scalar: "hello\n",
  brace: "expect: { depth: 0\n",
  missingspace: "name:x\n",
  keyNoColon: "name: x\ndescription\ntarget: y\n",
  alias: "a: *nope\n",
  dupNested: "faults:\n  - kind: scale\n    kind: latency\n",
  seqInMap: "faults:\n  - kind: scale\n  deployment: x\n",
  mixed: "faults:\n- kind: scale\n  replicas: 0\n - kind: latency\n",
};
for (const [k, src] of Object.entries(cases)) {
  const lc = new LineCounter();
  const docs = parseAllDocuments(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const arr = Array.isArray(docs) ? docs : [];
  console.log(`== ${k}: docs=${arr.length} ${Array.isArray(docs) ? "" : "EmptyStream"}`);
  for (const d of arr) {
    for (const e of d.errors) console.log("  ERR", e.code, JSON.stringify(e.message), e.pos, JSON.stringify(lc.linePos(e.pos[0])));
    for (const e of d.warnings) console.log("  WARN", e.code, JSON.stringify(e.message), e.pos);
    if (!d.errors.length) console.log("  ->", JSON.stringify(d.toJS()), d.contents?.constructor.name, d.range);
  }
}
