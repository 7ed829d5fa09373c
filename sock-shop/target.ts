// Sock Shop as a gameday target: the embedded lite services, each its own process.
import { fileURLToPath } from "node:url";
import type { Target } from "../helpers/target/target.ts";

const tsxLoader = import.meta.resolve("tsx");
const serviceEntry = (name: string): string => fileURLToPath(new URL(`./lite/services/${name}.ts`, import.meta.url));

/** The Sock Shop services of the order path, with upstream names; each replica runs one entry file. */
const SERVICES = ["catalogue", "carts", "user", "payment", "shipping", "orders", "queue-master", "front-end"] as const;
export type SockShopService = (typeof SERVICES)[number];

export const SHIPPING_QUEUE = "shipping-task";
export const QUEUE_CONSUMER: SockShopService = "queue-master";

export const sockShop: Target = {
  name: "sock-shop",
  entryService: "front-end",
  brokerEndpoint: "rabbitmq",
  localDeployments: ({ brokerUrl, dataDir }) =>
    SERVICES.map((name) => ({
      name,
      command: process.execPath,
      args: ["--import", tsxLoader, serviceEntry(name)],
      env: { RABBITMQ_URL: brokerUrl, DATA_DIR: dataDir },
      replicas: 1,
      healthPath: "/health",
    })),
};
