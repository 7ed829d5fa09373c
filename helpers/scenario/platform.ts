// Which platform a run uses. An explicit choice (the CLI's --platform, a Playwright project) wins;
// otherwise the scenarios' `platform:` key decides, and a scenario without the key declares local.
// Scenarios that disagree are refused: quietly running some of them on the other platform would make
// the verdict about something the author did not ask for.
import { ScenarioError } from "../core/errors.ts";
import { ScenarioSpec, type Scenario } from "./schema.ts";

export type ScenarioPlatform = Scenario["platform"];

/** The values `platform:` accepts, from the schema. */
export const SCENARIO_PLATFORMS: readonly ScenarioPlatform[] = ScenarioSpec.shape.platform.unwrap().options;

/** What `platform:` means when a scenario leaves it out (the schema's default). */
export const DEFAULT_PLATFORM: ScenarioPlatform = "local";

export interface PlatformChoice {
  platform: ScenarioPlatform;
  /** Why: the explicit option, or what every selected scenario declares. */
  from: "option" | "scenarios";
}

/**
 * The platform for a run of `scenarios` (file as it should be shown, and its loaded `platform`).
 * Throws a ScenarioError (exit 2) naming each file and its platform when they differ and nothing
 * explicit was given.
 */
export function resolvePlatform(scenarios: readonly { file: string; platform: ScenarioPlatform }[], explicit?: ScenarioPlatform): PlatformChoice {
  if (explicit !== undefined) return { platform: explicit, from: "option" };
  const declared = [...new Set(scenarios.map((s) => s.platform))];
  if (declared.length <= 1) return { platform: declared[0] ?? DEFAULT_PLATFORM, from: "scenarios" };
  const width = Math.max(...declared.map((p) => p.length));
  const groups = declared.map((platform) => `  ${platform.padEnd(width)}  ${scenarios.filter((s) => s.platform === platform).map((s) => s.file).join(", ")}`);
  throw new ScenarioError(
    [
      `the selected scenarios declare different platforms (platform:, ${DEFAULT_PLATFORM} when absent):`,
      ...groups,
      `fix: pass --platform, or run them separately (--platform ${declared.join(" or --platform ")} runs all of them there)`,
    ].join("\n"),
  );
}
