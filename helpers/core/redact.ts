/** Replaces every secret value in a text, so credentials never reach a report or a log. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.filter((s) => s.length > 0).reduce((out, secret) => out.split(secret).join("***"), text);
}
