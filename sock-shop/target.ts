// Sock Shop as a gameday target: the embedded lite services, each its own process.
import { fileURLToPath } from "node:url";
import type { DeploymentSpec } from "../helpers/target/target.ts";
import type { Target, TargetNames } from "../helpers/target/target.ts";
import { sockShopLoadFlows } from "./load-flows.ts";

const tsxLoader = import.meta.resolve("tsx");
const serviceEntry = (name: string): string => fileURLToPath(new URL(`./lite/services/${name}.ts`, import.meta.url));

/** The Sock Shop services of the order path, with upstream names; each replica runs one entry file. */
const SERVICES = ["catalogue", "carts", "user", "payment", "shipping", "orders", "queue-master", "front-end"] as const;
export type SockShopService = (typeof SERVICES)[number];

export const SHIPPING_QUEUE = "shipping-task";
export const QUEUE_CONSUMER = "queue-master" satisfies SockShopService;
export type SockShopJourney = "checkout" | "browse";

/** Sock Shop's names as literal types, for code-first game days: `codeFirst<SockShopNames>()`. */
export interface SockShopNames extends TargetNames {
  deployment: SockShopService;
  queue: typeof SHIPPING_QUEUE;
  journey: SockShopJourney;
  dependency: SockShopService | "rabbitmq";
}

/** The upstream images of complete-demo.yaml, which the lite services stand in for. */
export const IMAGES: Record<SockShopService, string> = {
  catalogue: "weaveworksdemos/catalogue:0.3.5",
  carts: "weaveworksdemos/carts:0.4.8",
  user: "weaveworksdemos/user:0.4.7",
  payment: "weaveworksdemos/payment:0.4.3",
  shipping: "weaveworksdemos/shipping:0.4.8",
  orders: "weaveworksdemos/orders:0.4.7",
  "queue-master": "weaveworksdemos/queue-master:0.3.1",
  "front-end": "weaveworksdemos/front-end:0.3.12",
};

/**
 * Broken builds for the broken-build fault: each misses a required setting, so it exits 78
 * ("missing required environment variable …") and crash-loops with a clear log line, as a bad image would.
 */
export const BROKEN_IMAGES = {
  "queue-master": `${IMAGES["queue-master"]}-broken`,
  orders: `${IMAGES.orders}-broken`,
} as const;

const VARIANTS: Partial<Record<SockShopService, DeploymentSpec["variants"]>> = {
  "queue-master": { [BROKEN_IMAGES["queue-master"]]: { env: { RABBITMQ_URL: null } } },
  orders: { [BROKEN_IMAGES.orders]: { env: { SHIPPING_URL: null } } },
};

/** Environment of a service beyond the broker and data directory. */
const EXTRA_ENV: Partial<Record<SockShopService, Record<string, string>>> = {
  // Upstream retries the broker every 5 s; 1 s makes a broker outage's recovery quicker to observe.
  "queue-master": { RECOVERY_INTERVAL_MS: "1000" },
};

export const sockShop: Target = {
  name: "sock-shop",
  names: { deployments: SERVICES, queues: [SHIPPING_QUEUE] },
  entryService: "front-end",
  brokerEndpoint: "rabbitmq",
  kubernetesManifests: fileURLToPath(new URL("./k8s/sock-shop.yaml", import.meta.url)),
  brokenImages: Object.values(BROKEN_IMAGES),
  load: sockShopLoadFlows,
  // The same rules as sock-shop/k8s/monitoring (generated from this file). Of the lite services only
  // the front-end serves Prometheus metrics (upstream's request_duration_seconds histogram).
  monitoring: {
    ruleFiles: [fileURLToPath(new URL("./monitoring/rules.yml", import.meta.url))],
    metrics: [{ service: "front-end", path: "/metrics" }],
    brokerJob: "rabbitmq",
  },
  localDeployments: ({ brokerUrl, dataDir }) =>
    SERVICES.map((name): DeploymentSpec => {
      const variants = VARIANTS[name];
      return {
        name,
        image: IMAGES[name],
        ...(variants ? { variants } : {}),
        // queue-master is a singleton consumer: a new build replaces it, never runs beside it.
        strategy: name === QUEUE_CONSUMER ? "Recreate" : "RollingUpdate",
        command: process.execPath,
        args: ["--import", tsxLoader, serviceEntry(name)],
        env: { RABBITMQ_URL: brokerUrl, DATA_DIR: dataDir, ...EXTRA_ENV[name] },
        replicas: 1,
        healthPath: "/health",
      };
    }),
};

export interface SockShopOptions {
  /**
   * Lite queue-master's GET /shipments, our extension (default true). false runs queue-master as
   * the upstream image: it keeps no shipment records and answers 404 there, so a game day has only
   * what upstream shows, its "Received shipment task" log lines and the broker's queue counters.
   */
  readonly shipmentsExtension?: boolean;
}

/** Sock Shop with options; `sockShopWith({})` is `sockShop`. */
export function sockShopWith(options: SockShopOptions): Target {
  if (options.shipmentsExtension !== false) return sockShop;
  return {
    ...sockShop,
    localDeployments: (context) =>
      sockShop
        .localDeployments(context)
        .map((d) => (d.name === QUEUE_CONSUMER ? { ...d, env: { ...d.env, SHIPMENTS_EXTENSION: "off" } } : d)),
  };
}
