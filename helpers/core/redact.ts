/** Replaces every secret value in a text, so credentials never reach a report or a log. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join("***"), text);
}

/** A URL fit to print: its password replaced by *** (an unparseable one is not printed at all). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
