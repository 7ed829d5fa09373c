// Pure logic of the Kubernetes platform: kubeconfig and context selection as kubectl does it, the
// namespace allowlist, blast-radius caps, original-state bookkeeping, settings and manifests.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { replicasWithinBlastRadius } from "../../helpers/platforms/blast-radius.ts";
import type { V1Deployment, V1EnvVar } from "@kubernetes/client-node";
import { connectCluster } from "../../helpers/platforms/kubernetes/cluster.ts";
import { loadManifests, runNamespace } from "../../helpers/platforms/kubernetes/embedded.ts";
import { envMutation, replicasMutation } from "../../helpers/platforms/kubernetes/mutations.ts";
import { forgetRestored, mergeOriginal, ORIGINAL_ANNOTATION, originalPatch, readOriginal } from "../../helpers/platforms/kubernetes/original-state.ts";
import { parsePodLog } from "../../helpers/platforms/kubernetes/kubernetes-platform.ts";
import { assertNamespaceAllowed, clusterSettingsFromEnv, namesACluster, parseEndpoints } from "../../helpers/platforms/kubernetes/settings.ts";

const SECRET_TOKEN = "s3cr3t-token-never-printed";

function kubeconfig(contexts: string[], current: string | undefined): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gameday-kubeconfig-")), "config");
  const lines = [
    "apiVersion: v1",
    "kind: Config",
    ...(current ? [`current-context: ${current}`] : []),
    "clusters:",
    ...contexts.flatMap((c, i) => [`- name: ${c}-cluster`, "  cluster:", `    server: https://127.0.0.${i + 1}:6443`]),
    "users:",
    ...contexts.flatMap((c) => [`- name: ${c}-user`, "  user:", `    token: ${SECRET_TOKEN}`]),
    "contexts:",
    ...contexts.flatMap((c) => [`- name: ${c}`, "  context:", `    cluster: ${c}-cluster`, `    user: ${c}-user`, `    namespace: ns-${c}`]),
  ];
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

test.describe("kubeconfig and context, as kubectl picks them", () => {
  test("an explicit file and its current-context; --context overrides", () => {
    const file = kubeconfig(["dev", "prod"], "dev");
    const dev = connectCluster({ kubeconfig: file });
    expect([dev.context, dev.server, dev.contextNamespace, dev.source]).toEqual(["dev", "https://127.0.0.1:6443", "ns-dev", path.resolve(file)]);
    const prod = connectCluster({ kubeconfig: file, context: "prod" });
    expect([prod.context, prod.server]).toEqual(["prod", "https://127.0.0.2:6443"]);
  });

  test("$KUBECONFIG lists files to merge; the first current-context wins", () => {
    const first = kubeconfig(["a"], "a");
    const second = kubeconfig(["b"], "b");
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = `${first}${path.delimiter}${second}`;
    try {
      const cluster = connectCluster({ context: "b" });
      expect([cluster.context, cluster.source]).toEqual(["b", "$KUBECONFIG"]);
      expect(connectCluster().context).toBe("a");
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  });

  test("a missing file or context fails with exit-2 errors that name what exists and the fix, never the credentials", () => {
    const file = kubeconfig(["dev", "prod"], undefined);
    const errors = [
      () => connectCluster({ kubeconfig: "/nonexistent/kubeconfig" }),
      () => connectCluster({ kubeconfig: file }),
      () => connectCluster({ kubeconfig: file, context: "staging" }),
    ].map((attempt) => {
      try {
        attempt();
        return undefined;
      } catch (error) {
        return error as Error;
      }
    });
    for (const error of errors) expect(error).toBeInstanceOf(ScenarioError);
    expect(errors[0]?.message).toContain("kubeconfig /nonexistent/kubeconfig does not exist: pass --kubeconfig");
    expect(errors[1]?.message).toContain("no current-context");
    expect(errors[2]?.message).toContain(`context "staging" in ${path.resolve(file)} (it has dev, prod): pass --context <name>`);
    for (const error of errors) expect(error?.message).not.toContain(SECRET_TOKEN);
  });
});

test("the allowlist: protected namespaces are refused even when listed; others only when listed", () => {
  for (const protectedNamespace of ["kube-system", "kube-public", "kube-node-lease"]) {
    expect(() => assertNamespaceAllowed(protectedNamespace, [protectedNamespace])).toThrow(ScenarioError);
  }
  expect(() => assertNamespaceAllowed("sock-shop", [])).toThrow(/not on the allowlist \(nothing\): add it with --allow-namespace sock-shop/);
  expect(() => assertNamespaceAllowed("sock-shop", ["other"])).toThrow(/not on the allowlist \(other\)/);
  expect(() => assertNamespaceAllowed("sock-shop", ["other", "sock-shop"])).not.toThrow();
});

test("blast radius: a percentage rounds up; a request beyond either cap is refused, not shrunk", () => {
  const caps = { maxReplicas: 3, maxPercent: 50 };
  expect(replicasWithinBlastRadius("kill", { percent: 10 }, 4, caps)).toBe(1);
  expect(replicasWithinBlastRadius("kill", { count: 2 }, 4, caps)).toBe(2);
  expect(replicasWithinBlastRadius("kill", { count: 1 }, 0, caps), "nothing to hit").toBe(0);
  expect(() => replicasWithinBlastRadius("kill web", { count: 4 }, 10, caps)).toThrow("kill web: takes away 4 of 10 replica(s), over the blast-radius cap of 3 replica(s); lower the count or raise --max-replicas");
  expect(() => replicasWithinBlastRadius("kill web", { percent: 51 }, 4, caps)).toThrow("kill web: takes away 3 of 4 replica(s) (75%), over the blast-radius cap of 50%; lower the count or raise --max-percent");
});

test("original state: the first writer wins per field; restoring a field forgets it; nothing left removes the annotation", () => {
  const first = mergeOriginal(undefined, { runId: "r1", replicas: 2, images: { web: "web:1" } });
  const second = mergeOriginal(first, { runId: "r2", replicas: 0, images: { web: "web:broken", sidecar: "s:1" }, env: { web: { MODE: "normal", NEW: null } } });
  expect(second).toEqual({ runId: "r1", replicas: 2, images: { web: "web:1", sidecar: "s:1" }, env: { web: { MODE: "normal", NEW: null } } });
  const partly = forgetRestored(second, { replicas: true, images: ["web"], env: { web: ["MODE"] } });
  expect(partly).toEqual({ runId: "r1", images: { sidecar: "s:1" }, env: { web: { NEW: null } } });
  expect(forgetRestored(partly ?? second, { images: ["sidecar"], env: { web: ["NEW"] } })).toBeUndefined();
  expect(originalPatch(undefined)).toEqual({ metadata: { annotations: { [ORIGINAL_ANNOTATION]: null } } });
  expect(readOriginal({ metadata: { annotations: { [ORIGINAL_ANNOTATION]: JSON.stringify(second) } } })).toEqual(second);
  expect(readOriginal({ metadata: { annotations: { [ORIGINAL_ANNOTATION]: "edited by hand" } } }), "not ours to interpret").toBeUndefined();
});

test("mutations: the original of a variable keeps its valueFrom, and both restores (in-run and from the record) write that valueFrom back", () => {
  const valueFrom = { secretKeyRef: { name: "web-config", key: "mode" } };
  const withEnv = (env: V1EnvVar[]): V1Deployment => ({
    spec: { selector: {}, template: { spec: { containers: [{ name: "web", env }] } } },
  });
  const before = withEnv([{ name: "MODE", valueFrom }, { name: "KEEP", value: "1" }]);
  const fault = { web: { MODE: "degraded", NEW: "x" } };
  const original = envMutation.original(before, fault);
  expect(original, "recorded as it was defined").toEqual({ web: { MODE: { valueFrom }, NEW: null } });
  const envPath = "/spec/template/spec/containers/0/env";
  expect(envMutation.forward(before, fault)).toEqual({
    target: "deployment",
    type: "json",
    body: [{ op: "add", path: envPath, value: [{ name: "KEEP", value: "1" }, { name: "MODE", value: "degraded" }, { name: "NEW", value: "x" }] }],
  });
  const after = withEnv([{ name: "KEEP", value: "1" }, { name: "MODE", value: "degraded" }, { name: "NEW", value: "x" }]);
  const restorePatch = { target: "deployment", type: "json", body: [{ op: "add", path: envPath, value: [{ name: "KEEP", value: "1" }, { name: "MODE", valueFrom }] }] };
  expect(envMutation.restore(after, original), "from the record (after a crash)").toEqual(restorePatch);
  // In-run, the fault asks for what it could read before: MODE looked unset (envOf shows plain values only).
  const resolved = envMutation.resolve(original, { web: { MODE: null, NEW: null } });
  expect(resolved, "asking for the recorded original back is a restore").toEqual({ change: original, restoring: true });
  expect(envMutation.forward(after, resolved.change), "in-run: the same patch as from the record").toEqual(restorePatch);
  expect(envMutation.putBack(original, resolved.change), "both variables are back: forget them").toEqual({ env: { web: ["MODE", "NEW"] } });
  // Unsetting a valueFrom variable nothing recorded is a new change, kept in the record until put back.
  const unset = envMutation.resolve(undefined, { web: { MODE: null } });
  expect(unset).toEqual({ change: { web: { MODE: null } }, restoring: false });
  expect(envMutation.putBack(envMutation.original(before, unset.change), unset.change)).toBeUndefined();
  // The scalar fields: the restore is the forward patch of the original.
  expect(replicasMutation.restore(before, 3)).toEqual(replicasMutation.forward(before, 3));
  expect(replicasMutation.forward(before, 3)).toEqual({ target: "scale", type: "merge", body: { spec: { replicas: 3 } } });
});

test("settings: only an explicit kubeconfig, context or namespace names a user's cluster; bad values are exit-2 errors", () => {
  expect(namesACluster(clusterSettingsFromEnv({}))).toBe(false);
  expect(namesACluster(clusterSettingsFromEnv({ GAMEDAY_NAMESPACE: "sock-shop" }))).toBe(true);
  const settings = clusterSettingsFromEnv({ GAMEDAY_ALLOWED_NAMESPACES: "a, b,,", GAMEDAY_MAX_REPLICAS: "2", GAMEDAY_ENDPOINTS: "front-end=http://127.0.0.1:8079, rabbitmq=amqp://u:p@127.0.0.1:5672" });
  expect(settings.allowedNamespaces).toEqual(["a", "b"]);
  expect(settings.blastRadius).toEqual({ maxReplicas: 2, maxPercent: 100 });
  expect(settings.endpoints).toEqual({ "front-end": "http://127.0.0.1:8079", rabbitmq: "amqp://u:p@127.0.0.1:5672" });
  expect(() => clusterSettingsFromEnv({ GAMEDAY_MAX_PERCENT: "150" })).toThrow("GAMEDAY_MAX_PERCENT=150: use a whole number from 1 to 100");
  expect(() => parseEndpoints("front-end")).toThrow('"front-end" is not name=url');
});

test("the embedded cluster: a DNS-label namespace per run; manifests moved into it without Namespace objects or fixed node ports", () => {
  expect(runNamespace("MWX0-w1_x")).toBe("gameday-mwx0-w1-x");
  expect(runNamespace("x".repeat(80))).toHaveLength(63);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gameday-manifests-")), "m.yaml");
  fs.writeFileSync(
    file,
    [
      "apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }",
      "apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\nspec: { type: NodePort, ports: [{ port: 80, nodePort: 30001 }] }",
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web, namespace: shop }",
    ].join("\n---\n"),
  );
  const objects = loadManifests(file, "gameday-run");
  expect(objects.map((o) => `${o.kind}/${o.metadata?.name}@${o.metadata?.namespace}`)).toEqual(["Service/web@gameday-run", "Deployment/web@gameday-run"]);
  expect(JSON.stringify(objects[0])).not.toContain("30001");
});

test("pod logs: timestamped lines since the moment, nanosecond times included, anything else skipped", () => {
  const text = [
    "2026-11-26T04:00:00.000000001Z Starting queue-master",
    "2026-11-26T04:00:05.123456789Z Received shipment task: order-1",
    "not a timestamped line",
    "",
    "2026-11-26T04:00:06Z Received shipment task: order-2 with  two spaces",
  ].join("\n");
  const since = Date.parse("2026-11-26T04:00:05Z");
  expect(parsePodLog(text, "queue-master-abc", since)).toEqual([
    { time: Date.parse("2026-11-26T04:00:05.123Z"), source: "queue-master-abc", text: "Received shipment task: order-1" },
    { time: Date.parse("2026-11-26T04:00:06Z"), source: "queue-master-abc", text: "Received shipment task: order-2 with  two spaces" },
  ]);
});
