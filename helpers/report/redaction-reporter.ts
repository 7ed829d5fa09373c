// The first reporter: it redacts secrets in place, in the objects every later reporter (terminal, JUnit,
// Allure, verdict, summary, run channel) reads, and in the files they copy (traces, error context). The
// runner knows the masks of the environment, the targets and the scenarios it collected; a worker adds
// what it learnt at run time (a control plane's token), sealed in an annotation that is removed here.
import fs from "node:fs";
import type { FullConfig, Reporter, Suite, TestCase, TestError, TestResult, TestStep } from "@playwright/test/reporter";
import { MASKS_ANNOTATION, maskedValues, maskSecret, maskSecretsFromEnvironment, redactBytes, redactSecrets, unsealMasks } from "../core/redact.ts";
import { isZip, readZip, writeZip } from "../core/zip.ts";

/** What a target or a journey catalogue declares secret (credentials it logs in with). */
interface DeclaresSecrets {
  secrets?: () => readonly string[];
}

export default class RedactionReporter implements Reporter {
  onBegin(config: FullConfig, _suite: Suite): void {
    maskSecretsFromEnvironment();
    for (const project of config.projects) {
      const use = project.use as { target?: DeclaresSecrets; journeyCatalogue?: DeclaresSecrets };
      for (const declarer of [use.target, use.journeyCatalogue]) for (const secret of declarer?.secrets?.() ?? []) maskSecret(secret);
    }
  }

  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    redactStep(step);
  }

  onStepEnd(_test: TestCase, _result: TestResult, step: TestStep): void {
    redactStep(step);
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    takeWorkerMasks(test.annotations);
    takeWorkerMasks(result.annotations);
    redactResult(result);
    for (const annotation of test.annotations) if (annotation.description) annotation.description = redactSecrets(annotation.description);
  }

  onError(error: TestError): void {
    redactError(error);
  }

  printsToStdio(): boolean {
    return false;
  }
}

function takeWorkerMasks(annotations: { type: string; description?: string }[]): void {
  for (let i = annotations.length - 1; i >= 0; i--) {
    const annotation = annotations[i];
    if (annotation?.type !== MASKS_ANNOTATION) continue;
    if (annotation.description) unsealMasks(annotation.description);
    annotations.splice(i, 1);
  }
}

function redactError(error: TestError | undefined): void {
  if (!error) return;
  for (const key of ["message", "stack", "value", "snippet"] as const) {
    const text = error[key];
    if (typeof text === "string") error[key] = redactSecrets(text);
  }
  redactError(error.cause);
}

function redactStep(step: TestStep): void {
  const title = redactSecrets(step.title);
  if (title !== step.title) {
    const parentPath = step.parent ? () => step.parent?.titlePath() ?? [] : () => [];
    step.title = title;
    step.titlePath = () => [...parentPath(), title];
  }
  redactError(step.error);
  // Allure writes a step's attachments when the step ends: they are redacted by then.
  redactAttachments(step.attachments);
  for (const annotation of step.annotations) if (annotation.description) annotation.description = redactSecrets(annotation.description);
  for (const child of step.steps) redactStep(child);
}

function redactResult(result: TestResult): void {
  for (const error of result.errors) redactError(error);
  redactError(result.error);
  for (const step of result.steps) redactStep(step);
  for (const annotation of result.annotations) if (annotation.description) annotation.description = redactSecrets(annotation.description);
  for (const output of [result.stdout, result.stderr]) {
    output.forEach((chunk, i) => {
      output[i] = typeof chunk === "string" ? redactSecrets(chunk) : (redactBytes(chunk) ?? chunk);
    });
  }
  redactAttachments(result.attachments);
}

/** The number of masks each attachment file was last redacted with: a step's attachment is the test's too. */
const redactedWith = new Map<string, number>();

function redactAttachments(attachments: TestResult["attachments"]): void {
  for (const attachment of attachments) {
    attachment.name = redactSecrets(attachment.name);
    if (attachment.body) attachment.body = redactBytes(attachment.body) ?? attachment.body;
    if (attachment.path && redactedWith.get(attachment.path) !== maskedValues().length) {
      redactFile(attachment.path);
      redactedWith.set(attachment.path, maskedValues().length);
    }
  }
}

/** Rewrites a file a test attached (a trace, an error context, a log) without its secrets. Images and videos are left alone. */
export function redactFile(file: string): void {
  if (maskedValues().length === 0) return; // nothing to hide: no trace is unpacked for nothing
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return; // gone, or never written: the report says so where it links it
  }
  if (isZip(bytes)) {
    let changed = false;
    const entries = readZip(bytes).map((entry) => {
      const data = redactBytes(entry.data);
      if (data) changed = true;
      return data ? { name: entry.name, data } : entry;
    });
    if (changed) fs.writeFileSync(file, writeZip(entries));
    return;
  }
  if (/\.(png|jpe?g|webm|gif)$/i.test(file)) return;
  const redacted = redactBytes(bytes);
  if (redacted) fs.writeFileSync(file, redacted);
}
