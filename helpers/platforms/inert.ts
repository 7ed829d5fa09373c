// A platform that answers every read from the real one and acknowledges every mutation without
// performing it. Faults injected through it "succeed" and change nothing: the mutation check that
// proof of effect catches a fault that silently did not happen.
import type { Platform } from "./platform.ts";

export function inertPlatform(platform: Platform): Platform {
  const mutations: Partial<Record<keyof Platform, (...args: never[]) => Promise<unknown>>> = {
    scale: async (name: string) => ({ previous: (await platform.deployment(name)).desired }),
    killReplicas: () => Promise.resolve([]),
    setImage: async (deployment: string) => ({ previous: (await platform.rollout(deployment)).image }),
    setLink: async (from: string, to: string) => ({ previous: await platform.link(from, to) }),
    setServiceCondition: async (service: string) => ({ previous: await platform.serviceCondition(service) }),
    stopBroker: () => Promise.resolve(),
    startBroker: () => Promise.resolve(),
    setEnv: (_deployment: string, env: Record<string, string | null>) => Promise.resolve({ previous: Object.fromEntries(Object.keys(env).map((k) => [k, null])) }),
    isolate: (deployment: string) => Promise.resolve(`inert-${deployment}`),
    unisolate: () => Promise.resolve(),
    drainNode: () => Promise.resolve({ evicted: [] }),
    uncordon: () => Promise.resolve(),
  };
  return new Proxy(platform, {
    get: (target, key, receiver) => (key in mutations ? mutations[key as keyof Platform] : (Reflect.get(target, key, receiver) as unknown)),
  });
}
