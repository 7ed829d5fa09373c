// The Kubernetes platform's modules for the CLI, loaded on first use: they pull in
// @kubernetes/client-node (~300 ms), which `validate`, `plan` and local runs never need. (A separate
// file because tsx cannot lex a dynamic import() in bin/gameday.ts, whose shebang says "--import".)
export const kubernetesCluster = () => import("../helpers/platforms/kubernetes/cluster.ts");
export const kubernetesRestore = () => import("../helpers/platforms/kubernetes/restore.ts");
export const kubernetesEmbedded = () => import("../helpers/platforms/kubernetes/embedded.ts");
export const kubernetesSafety = () => import("../helpers/platforms/kubernetes/safety.ts");
