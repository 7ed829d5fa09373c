import { defineConfig } from "@playwright/test";
import type { Page } from "@playwright/test";
import type { PlatformName } from "./fixtures/index.ts";
import type { JourneyCatalogue } from "./helpers/target/journey.ts";
import type { Target } from "./helpers/target/target.ts";
import { sockShopJourneys } from "./sock-shop/journeys/catalogue.ts";
import { sockShop } from "./sock-shop/target.ts";
import { ensureMaskKey } from "./helpers/core/redact.ts";
import { outliveClosedTerminal } from "./helpers/core/processes.ts";

// Workers hand the runner the secrets they learn, sealed with this run's key (helpers/core/redact.ts).
ensureMaskKey();
// A terminal closed under the run (SIGHUP to `gameday run`): the runner keeps going to revert and stop.
outliveClosedTerminal();

const CHROMIUM = process.env.GAMEDAY_CHROMIUM ?? "/usr/bin/chromium";
/** Where results go; a run started inside the test suite points this elsewhere. */
const REPORTS = process.env.GAMEDAY_REPORTS_DIR ?? "reports";
/**
 * `npm test` leaves out the long tail: tests tagged @long (more kills, more interrupt variants, the
 * Kubernetes twins of local tests) and, on Kubernetes, the scenario whose detection windows make it the
 * slowest there (alert-blind-spot; its mutant stays). `npm run test:full` (GAMEDAY_FULL_SUITE=1) runs all.
 */
const FULL_SUITE = process.env.GAMEDAY_FULL_SUITE === "1" || process.env.GAMEDAY_SCENARIOS !== undefined; // gameday run names its scenarios: all of them run
/** `gameday run` prints for a person (helpers/report/gameday-reporter.ts) unless CI or --reporter playwright. */
const HUMAN = process.env.GAMEDAY_REPORTER === "human";

export default defineConfig<object, { target: Target; journeyCatalogue: JourneyCatalogue<Page>; platformName: PlatformName }>({
  testDir: "tests",
  globalSetup: "./helpers/report/clean-results.ts",
  outputDir: `${REPORTS}/test-results`,
  retries: 0, // a retried game day hides the finding
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: [
    // First: it redacts secrets in what every later reporter reads and in the files they copy.
    ["./helpers/report/redaction-reporter.ts"],
    // `gameday run` asks for live progress: every phase and check as it starts and ends.
    HUMAN ? ["./helpers/report/gameday-reporter.ts", { closing: process.env.GAMEDAY_PROGRESS !== "1" }] : ["list", { printSteps: process.env.GAMEDAY_PROGRESS === "1" }],
    ["junit", { outputFile: `${REPORTS}/junit/results.xml` }],
    ["allure-playwright", { resultsDir: `${REPORTS}/allure-results`, detail: true, suiteTitle: true }],
    ["./helpers/report/verdict-reporter.ts", { outputFile: `${REPORTS}/verdict.json`, quiet: HUMAN }],
    // The game-day summary: summary.html, gameday.json and one more entry in history/ (scenario tests only).
    ["./helpers/report/summary-reporter.ts", { outputDir: REPORTS }],
    // `gameday run --live` / `--facilitate`: outcomes as they end, to the CLI's run channel.
    ...(process.env.GAMEDAY_RUN_CHANNEL ? [["./helpers/report/run-channel-reporter.ts"] as const] : []),
  ],
  use: {
    viewport: { width: 1280, height: 900 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  projects: [
    // The framework's own tests: pure logic and real components (RabbitMQ, processes), no target.
    { name: "framework", testMatch: /framework\/.*\.test\.ts$/, timeout: 120_000, ...(FULL_SUITE ? {} : { grepInvert: /@long\b/ }) },
    // Game days against the embedded Sock Shop on the local platform.
    { name: "sock-shop", testMatch: [/sock-shop\/.*\.spec\.ts$/, /scenarios\/.*\.spec\.ts$/], timeout: 240_000, use: { target: sockShop, journeyCatalogue: sockShopJourneys, platformName: "local" } },
    // The same scenarios with --platform kubernetes: faults through a real API server (the embedded
    // control plane, or the cluster GAMEDAY_KUBECONFIG/_CONTEXT/_NAMESPACE name); scenarios whose
    // faults the platform cannot make are skipped with the reason.
    {
      name: "sock-shop-kubernetes",
      testMatch: [/scenarios\/.*\.spec\.ts$/, /kubernetes\/.*\.spec\.ts$/],
      timeout: 300_000,
      ...(FULL_SUITE ? {} : { grepInvert: /alert-blind-spot(?!: the mutant)/ }),
      use: { target: sockShop, journeyCatalogue: sockShopJourneys, platformName: "kubernetes" },
    },
  ],
});
