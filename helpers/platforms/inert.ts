// A platform that answers every read from the real one and acknowledges every mutation without
// performing it. Faults injected through it "succeed" and change nothing: the mutation check that
// proof of effect catches a fault that silently did not happen. Every mutation of PlatformMutations
// has its stand-in here (the type requires one each), so no mutant can reach the real platform.
import type { Platform, PlatformMutations } from "./platform.ts";

type Inert = { [K in keyof PlatformMutations]-?: NonNullable<PlatformMutations[K]> };

export function inertPlatform(platform: Platform): Platform {
  const mutations: Inert = {
    scale: async (name) => ({ previous: (await platform.deployment(name)).desired }),
    killReplicas: () => Promise.resolve([]),
    setImage: async (deployment) => ({ previous: (await platform.rollout(deployment)).image }),
    setLink: async (from, to) => ({ previous: await platform.link(from, to) }),
    setServiceCondition: async (service) => ({ previous: await platform.serviceCondition(service) }),
    stopBroker: () => Promise.resolve(),
    startBroker: () => Promise.resolve(),
    setEnv: (_deployment, env) => Promise.resolve({ previous: Object.fromEntries(Object.keys(env).map((k) => [k, null])) }),
    isolate: (deployment) => Promise.resolve(`inert-${deployment}`),
    unisolate: () => Promise.resolve(),
    drainNode: () => Promise.resolve({ evicted: [] }),
    uncordon: () => Promise.resolve(),
  };
  return new Proxy(platform, {
    get: (target, key, receiver) => (Object.hasOwn(mutations, key) ? mutations[key as keyof Inert] : (Reflect.get(target, key, receiver) as unknown)),
  });
}
