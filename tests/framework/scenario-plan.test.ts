// `gameday plan`: what a scenario would mutate on a platform, or why that platform would skip it.
import { expect, test } from "@playwright/test";
import { KUBERNETES_CAPABILITIES } from "../../helpers/platforms/kubernetes/settings.ts";
import { LOCAL_CAPABILITIES } from "../../helpers/platforms/local/local-platform.ts";
import { loadScenario, type LoadedScenario } from "../../helpers/scenario/loader.ts";
import { formatPlan } from "../../helpers/scenario/plan.ts";

const plan = (file: string, platform: string, capabilities: typeof LOCAL_CAPABILITIES): string =>
  formatPlan(loadScenario(file), { platform, capabilities, outstanding: 0, maxFaultMs: 600_000 });

test("a fault the platform can make is listed as a mutation; one it cannot makes the plan say the scenario is skipped, and why", () => {
  const local = plan("scenarios/payment-latency.yaml", "local", LOCAL_CAPABILITIES);
  expect(local).toContain("1. MUTATES: add 2000 ms of latency from orders to payment");
  const kubernetes = plan("scenarios/payment-latency.yaml", "kubernetes", KUBERNETES_CAPABILITIES);
  expect(kubernetes).toContain('SKIPPED: the kubernetes platform cannot add 2000 ms of latency from orders to payment (needs "links"); it can change: replicas, images, env, network-policy, nodes');
  expect(kubernetes).not.toContain("MUTATES");
  expect(plan("scenarios/queue-consumer-outage.yaml", "kubernetes", KUBERNETES_CAPABILITIES)).toContain("1. MUTATES: scale deployment queue-master to 0");
});

test("a shared load is in the plan: its workers, or the Job and RBAC a distributed load creates", () => {
  const base = loadScenario("scenarios/queue-consumer-outage-under-load.yaml");
  const load = base.scenario.during.load;
  if (!load) throw new Error("the scenario has a load");
  const withLoad = (change: { workers?: number; distributed?: { pods: number } }): LoadedScenario => ({ ...base, scenario: { ...base.scenario, during: { ...base.scenario.during, load: { ...load, ...change } } } });
  const options = { platform: "kubernetes", capabilities: KUBERNETES_CAPABILITIES, outstanding: 0, maxFaultMs: 600_000 };
  expect(formatPlan(withLoad({ workers: 2 }), options)).toContain("load checkout (constant-arrival-rate, shared by 2 worker processes on this machine), from 4.00 s before the fault to 4.00 s after the revert");
  const distributed = formatPlan(withLoad({ distributed: { pods: 3 } }), options);
  expect(distributed).toContain("shared by 3 pods");
  expect(distributed).toContain("CREATES: Indexed Job gameday-load-<id> of 3 pods on node:20-alpine in the game day's namespace, with its ConfigMaps, ServiceAccount, Role (ConfigMaps only) and RoleBinding");
});
