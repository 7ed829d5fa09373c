import { parseDocument, LineCounter, visit, isScalar } from "yaml";
for (const src of ['name: "x\ndescription: y\ntarget: z\n', "a: 1\nb: 'it''s\nc: 2\n", "replicas:\nkind: x\n", "a: &x 1\nb: *y\n", "a: @foo\n", "a: `x`\n", "a: b\n c: d\n", "- a\nb: c\n", "a:\n  - b\n  c: d\n", "k: [1, 2\nj: 3\n"]) {
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, uniqueKeys: true });
  console.log("==", JSON.stringify(src));
  for (const e of doc.errors) console.log("  ERR", e.code, JSON.stringify(e.message), e.pos, JSON.stringify(lc.linePos(e.pos[0])));
  visit(doc, { Scalar(_k, n) { console.log("  scalar", n.type, JSON.stringify(n.value), n.range); }, Alias(_k, n) { console.log("  alias", n.source, n.range, n.resolve(doc)); } });
}
