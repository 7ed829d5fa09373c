// The platforms a scenario can run on, as the schema's `platform:` key names them.
import { ScenarioSpec, type Scenario } from "./schema.ts";

export type ScenarioPlatform = Scenario["platform"];

/** The values `platform:` accepts, from the schema. */
export const SCENARIO_PLATFORMS: readonly ScenarioPlatform[] = ScenarioSpec.shape.platform.unwrap().options;
