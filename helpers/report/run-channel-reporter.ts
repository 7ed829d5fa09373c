// Tells the run channel (GAMEDAY_RUN_CHANNEL, helpers/report/run-channel.ts) how each phase, check
// and journey of a test ended, as it ends: the runner's steps are the outcomes, so the workers keep
// no second record. playwright.config.ts adds this reporter only when the channel is named.
import type { Reporter, TestCase, TestResult, TestStep } from "@playwright/test/reporter";
import { depthOf } from "./gameday-reporter.ts";
import { RunChannelClient } from "./run-channel.ts";

const ANSI = /\x1b\[[0-9;]*m/g;
const firstLine = (text: string | undefined): string => (text ?? "").replace(ANSI, "").split("\n")[0] ?? "";

export default class RunChannelReporter implements Reporter {
  private readonly channel = RunChannelClient.fromEnv();

  onTestBegin(test: TestCase): void {
    this.channel?.send({ type: "test", at: Date.now(), title: test.title, status: "running" });
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    const depth = depthOf(step);
    if (depth === undefined || depth > 2) return;
    const detail = step.error ? firstLine(step.error.message) : undefined;
    this.channel?.send({ type: "outcome", at: Date.now(), title: step.title, ok: !step.error, depth, durationMs: step.duration, ...(detail ? { detail } : {}) });
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const detail = result.errors[0] ? firstLine(result.errors[0].message) : undefined;
    this.channel?.send({ type: "test", at: Date.now(), title: test.title, status: result.status, ...(detail ? { detail } : {}) });
  }

  async onEnd(): Promise<void> {
    await this.channel?.close();
  }

  printsToStdio(): boolean {
    return false;
  }
}
