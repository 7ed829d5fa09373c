// How the CLI hands scenario variables to the Playwright run: GAMEDAY_VARIABLES holds a JSON object.
export function scenarioVariablesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env.GAMEDAY_VARIABLES;
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    }
  } catch {
    // fall through
  }
  return {};
}
