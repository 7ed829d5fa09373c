// The kwok stage file of the local control plane: what the fake kubelet reports for nodes and pods.
// Standalone kwok v0.8.0 has no built-in stages (it exits with "no stages found"), so we ship our
// own. The node and pod stages are kwok v0.8.0's "fast" set (kustomize/stage/node/fast,
// node/heartbeat-with-lease, pod/fast), unchanged; the crash-loop stage is ours.
import { stringify } from "yaml";

export interface KwokStageOptions {
  /** Pods with a container whose image is in this list crash-loop instead of becoming Ready. */
  brokenImages: readonly string[];
  /** How often a crash-looping container "restarts" (restartCount + 1). */
  crashLoopRestartMs: number;
}

interface Stage {
  apiVersion: "kwok.x-k8s.io/v1alpha1";
  kind: "Stage";
  metadata: { name: string };
  spec: Record<string, unknown>;
}

const stage = (name: string, spec: Record<string, unknown>): Stage => ({ apiVersion: "kwok.x-k8s.io/v1alpha1", kind: "Stage", metadata: { name }, spec });
const node = { apiGroup: "v1", kind: "Node" };
const pod = { apiGroup: "v1", kind: "Pod" };
const notBeingDeleted = { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" };

/** Go template lines; kwok renders them against the object (numbers as json.Number) with sprig's functions. */
const template = (...lines: string[]): string => `${lines.join("\n")}\n`;

const NODE_CONDITIONS = [
  "conditions:",
  "{{ range NodeConditions }}",
  "- lastHeartbeatTime: {{ $now | Quote }}",
  "  lastTransitionTime: {{ $lastTransitionTime | Quote }}",
  "  message: {{ .message | Quote }}",
  "  reason: {{ .reason | Quote }}",
  "  status: {{ .status | Quote }}",
  "  type: {{ .type | Quote }}",
  "{{ end }}",
];

const NODE_ENDPOINT = ["{{ with NodePort }}", "daemonEndpoints:", "  kubeletEndpoint:", "    Port: {{ . }}", "{{ end }}"];

const nodeInitialize = stage("node-initialize", {
  resourceRef: node,
  selector: { matchExpressions: [{ key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "NotIn", values: ["True"] }] },
  next: {
    statusTemplate: template(
      "{{ $now := Now }}",
      "{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}",
      ...NODE_CONDITIONS,
      "{{ $hasInternalIP := false }}",
      "{{ $hasHostname := false }}",
      "{{ range .status.addresses }}",
      '{{ if eq .type "InternalIP" }}{{ $hasInternalIP = true }}{{ end }}',
      '{{ if eq .type "Hostname" }}{{ $hasHostname = true }}{{ end }}',
      "{{ end }}",
      "{{ if or (not $hasInternalIP) (not $hasHostname) }}",
      "addresses:",
      "{{ end }}",
      "{{ if not $hasInternalIP }}{{ with NodeIP }}",
      "- address: {{ . | Quote }}",
      "  type: InternalIP",
      "{{ end }}{{ end }}",
      "{{ if not $hasHostname }}{{ with NodeName }}",
      "- address: {{ . | Quote }}",
      "  type: Hostname",
      "{{ end }}{{ end }}",
      ...NODE_ENDPOINT,
      "allocatable:",
      "{{ with .status.allocatable }}",
      "{{ YAML . 1 }}",
      "{{ else }}",
      "  cpu: 1k",
      "  memory: 1Ti",
      "  pods: 1M",
      "{{ end }}",
      "capacity:",
      "{{ with .status.capacity }}",
      "{{ YAML . 1 }}",
      "{{ else }}",
      "  cpu: 1k",
      "  memory: 1Ti",
      "  pods: 1M",
      "{{ end }}",
      "{{ $nodeInfo := .status.nodeInfo }}",
      '{{ $kwokVersion := printf "kwok-%s" Version }}',
      "nodeInfo:",
      '  architecture: {{ or $nodeInfo.architecture "amd64" }}',
      "  bootID: {{ or $nodeInfo.bootID `\"\"` }}",
      "  containerRuntimeVersion: {{ or $nodeInfo.containerRuntimeVersion $kwokVersion }}",
      "  kernelVersion: {{ or $nodeInfo.kernelVersion $kwokVersion }}",
      "  kubeProxyVersion: {{ or $nodeInfo.kubeProxyVersion $kwokVersion }}",
      "  kubeletVersion: {{ or $nodeInfo.kubeletVersion $kwokVersion }}",
      "  machineID: {{ or $nodeInfo.machineID `\"\"` }}",
      '  operatingSystem: {{ or $nodeInfo.operatingSystem "linux" }}',
      "  osImage: {{ or $nodeInfo.osImage `\"\"` }}",
      "  systemUUID: {{ or $nodeInfo.systemUUID `\"\"` }}",
      "phase: Running",
    ),
  },
});

// With leases, readiness rides on the Lease kwok renews (every --node-lease-duration-seconds / 4);
// the status heartbeat itself is rare, as with a real kubelet.
const nodeHeartbeatWithLease = stage("node-heartbeat-with-lease", {
  resourceRef: node,
  selector: {
    matchExpressions: [
      { key: ".status.phase", operator: "In", values: ["Running"] },
      { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "In", values: ["True"] },
    ],
  },
  delay: { durationMilliseconds: 600_000, jitterDurationMilliseconds: 610_000 },
  next: {
    statusTemplate: template(
      "{{ $now := Now }}",
      "{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}",
      ...NODE_CONDITIONS,
      "addresses:",
      "{{ with .status.addresses }}",
      "{{ YAML . 1 }}",
      "{{ else }}",
      "{{ with NodeIP }}",
      "- address: {{ . | Quote }}",
      "  type: InternalIP",
      "{{ end }}",
      "{{ with NodeName }}",
      "- address: {{ . | Quote }}",
      "  type: Hostname",
      "{{ end }}",
      "{{ end }}",
      ...NODE_ENDPOINT,
    ),
  },
});

const HOST_AND_POD_IPS = [
  "{{ $hostIPs := NodeIPsWith .spec.nodeName }}",
  "{{ with $hostIPs }}",
  "hostIP: {{ index . 0 | Quote }}",
  "hostIPs:",
  "{{ range . }}",
  "- ip: {{ . | Quote }}",
  "{{ end }}",
  "{{ end }}",
  '{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}',
  "{{ with $podIPs }}",
  "podIP: {{ index . 0 | Quote }}",
  "podIPs:",
  "{{ range . }}",
  "- ip: {{ . | Quote }}",
  "{{ end }}",
  "{{ end }}",
];

const INIT_CONTAINERS_COMPLETED = [
  "initContainerStatuses:",
  "{{ range .spec.initContainers }}",
  "- image: {{ .image | Quote }}",
  "  name: {{ .name | Quote }}",
  "  ready: true",
  "  restartCount: 0",
  '  {{ if eq .restartPolicy "Always" }}',
  "  started: true",
  "  state:",
  "    running:",
  "      startedAt: {{ $now | Quote }}",
  "  {{ else }}",
  "  state:",
  "    terminated:",
  "      exitCode: 0",
  "      finishedAt: {{ $now | Quote }}",
  "      reason: Completed",
  "      startedAt: {{ $now | Quote }}",
  "  {{ end }}",
  "{{ end }}",
];

const podReady = stage("pod-ready", {
  resourceRef: pod,
  selector: {
    matchExpressions: [
      notBeingDeleted,
      { key: ".status.phase", operator: "In", values: ["Pending"] },
      { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: "NotIn", values: ["True"] },
    ],
  },
  next: {
    statusTemplate: template(
      "{{ $now := Now }}",
      "conditions:",
      "- lastTransitionTime: {{ $now | Quote }}",
      '  status: "True"',
      "  type: Initialized",
      "- lastTransitionTime: {{ $now | Quote }}",
      '  status: "True"',
      "  type: Ready",
      "- lastTransitionTime: {{ $now | Quote }}",
      '  status: "True"',
      "  type: ContainersReady",
      "{{ range .spec.readinessGates }}",
      "- lastTransitionTime: {{ $now | Quote }}",
      '  status: "True"',
      "  type: {{ .conditionType | Quote }}",
      "{{ end }}",
      "containerStatuses:",
      "{{ range .spec.containers }}",
      "- image: {{ .image | Quote }}",
      "  name: {{ .name | Quote }}",
      "  ready: true",
      "  restartCount: 0",
      "  state:",
      "    running:",
      "      startedAt: {{ $now | Quote }}",
      "{{ end }}",
      ...INIT_CONTAINERS_COMPLETED,
      ...HOST_AND_POD_IPS,
      "phase: Running",
      "startTime: {{ $now | Quote }}",
    ),
  },
});

/** A pod the embedded cluster runs as a local process (a gameday load Job's): its process, not kwok, ends it. */
export const LOCAL_PROCESS_LABEL = "gameday.dev/local-process";

/** Pods of Jobs finish at once (without this a Job never completes), except those run as local processes. */
const podComplete = stage("pod-complete", {
  resourceRef: pod,
  selector: {
    matchExpressions: [
      notBeingDeleted,
      { key: `.metadata.labels["${LOCAL_PROCESS_LABEL}"]`, operator: "DoesNotExist" },
      { key: ".status.phase", operator: "In", values: ["Running"] },
      { key: ".metadata.ownerReferences.[].kind", operator: "In", values: ["Job"] },
    ],
  },
  next: {
    statusTemplate: template(
      "{{ $now := Now }}",
      "containerStatuses:",
      "{{ range .spec.containers }}",
      "- image: {{ .image | Quote }}",
      "  name: {{ .name | Quote }}",
      "  ready: false",
      "  restartCount: 0",
      "  started: false",
      "  state:",
      "    terminated:",
      "      exitCode: 0",
      "      finishedAt: {{ $now | Quote }}",
      "      reason: Completed",
      "      startedAt: {{ $now | Quote }}",
      "{{ end }}",
      "phase: Succeeded",
    ),
  },
});

/** A terminating pod is removed at once (no delay): there is no container to stop. */
const podDelete = stage("pod-delete", {
  resourceRef: pod,
  selector: { matchExpressions: [{ key: ".metadata.deletionTimestamp", operator: "Exists" }] },
  next: { delete: true },
});

/** A Go template string literal; JSON's escapes are a subset of Go's. */
const goString = (value: string): string => JSON.stringify(value);

/**
 * Pods running a broken image: Running but never Ready, the broken containers waiting in
 * CrashLoopBackOff after exiting 1. The stage matches its own output again, so kwok re-applies it
 * every `crashLoopRestartMs`, each time adding 1 to restartCount (sprig's add1 over the count it
 * reported last time) and sending a BackOff event, as the kubelet does on each restart. A real
 * kubelet backs off 10 s, 20 s, … up to 5 min between restarts; a fixed, short period keeps tests quick.
 * Its weight (1) beats pod-ready's (0): kwok only draws among the positively weighted matches.
 */
function crashLoop(brokenImages: readonly string[], restartMs: number): Stage {
  return stage("gameday-crash-loop", {
    resourceRef: pod,
    selector: { matchExpressions: [notBeingDeleted, { key: ".spec.containers.[].image", operator: "In", values: [...brokenImages] }] },
    weight: 1,
    delay: { durationMilliseconds: restartMs },
    next: {
      event: { type: "Warning", reason: "BackOff", message: "Back-off restarting failed container" },
      statusTemplate: template(
        "{{ $now := Now }}",
        "{{ $root := . }}",
        `{{ $broken := list ${brokenImages.map(goString).join(" ")} }}`,
        // Keep the time the pod stopped being ready: only restartCount should move.
        "{{ $notReadySince := $now }}",
        '{{ range .status.conditions }}{{ if and (eq .type "Ready") (eq .status "False") }}{{ $notReadySince = .lastTransitionTime }}{{ end }}{{ end }}',
        "{{ $crashing := list }}",
        "{{ range .spec.containers }}{{ if has .image $broken }}{{ $crashing = append $crashing .name }}{{ end }}{{ end }}",
        '{{ $notReadyMessage := printf "containers with unready status: [%s]" ( join " " $crashing ) }}',
        "conditions:",
        "- lastTransitionTime: {{ $notReadySince | Quote }}",
        '  status: "True"',
        "  type: Initialized",
        "- lastTransitionTime: {{ $notReadySince | Quote }}",
        "  message: {{ $notReadyMessage | Quote }}",
        "  reason: ContainersNotReady",
        '  status: "False"',
        "  type: Ready",
        "- lastTransitionTime: {{ $notReadySince | Quote }}",
        "  message: {{ $notReadyMessage | Quote }}",
        "  reason: ContainersNotReady",
        '  status: "False"',
        "  type: ContainersReady",
        "containerStatuses:",
        "{{ range .spec.containers }}",
        "{{ $container := . }}",
        "{{ $previous := dict }}",
        "{{ range $root.status.containerStatuses }}{{ if eq .name $container.name }}{{ $previous = . }}{{ end }}{{ end }}",
        "{{ $restarts := or $previous.restartCount 0 }}",
        "- image: {{ .image | Quote }}",
        "  name: {{ .name | Quote }}",
        "  {{ if has .image $broken }}",
        "  ready: false",
        "  started: false",
        "  restartCount: {{ add1 $restarts }}",
        "  lastState:",
        "    terminated:",
        "      exitCode: 1",
        "      reason: Error",
        "      startedAt: {{ $now | Quote }}",
        "      finishedAt: {{ $now | Quote }}",
        "  state:",
        "    waiting:",
        "      reason: CrashLoopBackOff",
        '      message: {{ printf "back-off restarting failed container=%s pod=%s_%s" .name $root.metadata.name $root.metadata.namespace | Quote }}',
        "  {{ else }}",
        "  ready: true",
        "  started: true",
        "  restartCount: {{ $restarts }}",
        "  state:",
        "    running:",
        "      startedAt: {{ or ( and $previous.state $previous.state.running $previous.state.running.startedAt ) $now | Quote }}",
        "  {{ end }}",
        "{{ end }}",
        ...INIT_CONTAINERS_COMPLETED,
        // PodIPsWith hands out a fresh IP on every call: ask once, then leave the addresses alone
        // (two IPs of one family make the API server reject the patch).
        "{{ if not .status.podIP }}",
        ...HOST_AND_POD_IPS,
        "{{ end }}",
        "phase: Running",
        "startTime: {{ or .status.startTime $now | Quote }}",
      ),
    },
  });
}

/** The stage file for kwok's --config: a multi-document YAML of Stage objects. */
export function kwokStagesYaml(options: KwokStageOptions): string {
  const stages = [nodeInitialize, nodeHeartbeatWithLease, podReady, podComplete, podDelete];
  // An In selector with no values is rejected, and there is nothing to break anyway.
  if (options.brokenImages.length > 0) stages.push(crashLoop(options.brokenImages, options.crashLoopRestartMs));
  return stages.map((s) => stringify(s, { lineWidth: 0 })).join("---\n");
}
