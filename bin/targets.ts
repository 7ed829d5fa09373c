// The targets this installation knows, by the name scenarios use in `target:`.
import type { Target } from "../helpers/target/target.ts";
import { sockShop } from "../sock-shop/target.ts";

export const TARGETS: Record<string, Target> = { [sockShop.name]: sockShop };
