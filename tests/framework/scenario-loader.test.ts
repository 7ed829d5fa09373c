import { expect, test } from "@playwright/test";
import { classifyFailure } from "../../helpers/report/verdict.ts";
import { loadScenario, loadScenarioText, ScenarioProblems, type LoadOptions } from "../../helpers/scenario/loader.ts";
import { editDistance, closest } from "../../helpers/scenario/problems.ts";
import { suggestDuration } from "../../helpers/scenario/issues.ts";

const lines = (...text: string[]): string => `${text.join("\n")}\n`;

const VALID = lines(
  "name: consumer-outage",
  "description: the consumer is scaled to zero",
  "target: shop",
  "steady-state:",
  "  - mode: eventually",
  "    within: 30s",
  "    probe: { kind: queue, name: shipping-task }",
  "    expect: { consumers: 1 }",
  "faults:",
  "  - kind: scale",
  "    deployment: queue-master",
  "    replicas: 0",
);

/** The ScenarioProblems a text raises; fails the test if it loads or throws anything else. */
function problemsOf(text: string, options: LoadOptions = {}, file = "scenarios/test.yaml"): ScenarioProblems {
  try {
    loadScenarioText(text, file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioProblems);
    return error as ScenarioProblems;
  }
  throw new Error("expected the scenario to be rejected");
}

test.describe("a valid scenario", () => {
  test("loads with durations in milliseconds and every default filled", () => {
    const loaded = loadScenarioText(VALID, "scenarios/test.yaml");
    expect(loaded.file).toBe("scenarios/test.yaml");
    expect(loaded.source).toBe(VALID);
    expect(loaded.secrets).toEqual([]);
    expect(loaded.scenario).toEqual({
      name: "consumer-outage",
      description: "the consumer is scaled to zero",
      tags: [],
      severity: "normal",
      target: "shop",
      platform: "local",
      variables: {},
      "steady-state": [
        { mode: "eventually", within: 30_000, interval: 100, probe: { kind: "queue", name: "shipping-task" }, expect: { consumers: 1 } },
      ],
      faults: [{ kind: "scale", deployment: "queue-master", replicas: 0 }],
      proof: [],
      during: { journeys: [], invariants: [] },
      "abort-when": [],
      recover: { revert: true, settle: 0 },
      after: [],
      detect: [],
      report: { timeline: [] },
    });
  });

  test("reads every unit and fills the defaults of nested specs", () => {
    const text = VALID.replace("within: 30s", "within: 1.5m\n    interval: 250ms").concat(
      lines(
        "  - { kind: latency, from: orders, to: payment, delay: 2s, duration: 1h }",
        "  - { kind: http-error, service: payment }",
        "after:",
        "  - { mode: stays, for: 10s, probe: { kind: http, service: front-end }, expect: { ok: true } }",
      ),
    );
    const { scenario } = loadScenarioText(text, "x.yaml");
    expect(scenario["steady-state"][0]).toMatchObject({ within: 90_000, interval: 250 });
    expect(scenario.faults[1]).toEqual({ kind: "latency", from: "orders", to: "payment", delay: 2_000, jitter: 0, duration: 3_600_000 });
    expect(scenario.faults[2]).toEqual({ kind: "http-error", service: "payment", status: 503, rate: 1 });
    expect(scenario.after[0]).toEqual({
      mode: "stays",
      for: 10_000,
      interval: 100,
      probe: { kind: "http", service: "front-end", path: "/", method: "GET", timeout: 5_000 },
      expect: { ok: true },
    });
  });

  test("a UTF-8 byte order mark and a leading --- are fine", () => {
    expect(loadScenarioText(`\uFEFF---\n${VALID}`, "x.yaml").scenario.name).toBe("consumer-outage");
  });
});

test.describe("variables", () => {
  const withVariables = (declarations: string[], replicas = "${replicas}"): string =>
    lines("variables:", ...declarations.map((d) => `  ${d}`)) + VALID.replace("replicas: 0", `replicas: ${replicas}`);

  const replicasOf = (text: string, options: LoadOptions): unknown => (loadScenarioText(text, "x.yaml", options).scenario.faults[0] as { replicas: number }).replicas;

  test("a value comes from --var, then the variable's env, then GAMEDAY_VAR_<NAME>, then its default", () => {
    const text = withVariables(["replicas: { default: 1, env: SHOP_REPLICAS }"]);
    const env = { SHOP_REPLICAS: "2", GAMEDAY_VAR_REPLICAS: "3" };
    expect(replicasOf(text, { variables: { replicas: "4" }, env })).toBe(4);
    expect(replicasOf(text, { env })).toBe(2);
    expect(replicasOf(text, { env: { GAMEDAY_VAR_REPLICAS: "3" } })).toBe(3);
    expect(replicasOf(text, { env: {} })).toBe(1);
    // An empty environment variable counts as unset.
    expect(replicasOf(text, { env: { SHOP_REPLICAS: "", GAMEDAY_VAR_REPLICAS: "" } })).toBe(1);
  });

  test("a plain value is the default; GAMEDAY_VAR_<NAME> upper-cases the name", () => {
    const text = withVariables(["targetReplicas: 2"], "${targetReplicas}");
    expect(replicasOf(text, { env: {} })).toBe(2);
    expect(replicasOf(text, { env: { GAMEDAY_VAR_TARGETREPLICAS: "5" } })).toBe(5);
  });

  test("the environment defaults to process.env", () => {
    const text = withVariables(["replicas: { env: GAMEDAY_TEST_LOADER_REPLICAS }"]);
    process.env.GAMEDAY_TEST_LOADER_REPLICAS = "7";
    try {
      expect(replicasOf(text, {})).toBe(7);
    } finally {
      delete process.env.GAMEDAY_TEST_LOADER_REPLICAS;
    }
  });

  test("references inside longer strings stay text; numbers and booleans only where the schema takes them", () => {
    const text =
      lines("variables:", "  queue: shipping", "  count: 3", "  strict: 'false'", "  id: 42") +
      VALID.replace("name: shipping-task", 'name: "${queue}-task"')
        .replace("description: the consumer is scaled to zero", "description: ${count} orders")
        .concat(lines("during:", "  journeys:", "    - { journey: checkout, count: '${count}', mustSucceed: '${strict}', user: '${id}' }"));
    const { scenario } = loadScenarioText(text, "x.yaml", { env: {} });
    expect(scenario["steady-state"][0]?.probe).toEqual({ kind: "queue", name: "shipping-task" });
    expect(scenario.description).toBe("3 orders");
    expect(scenario.during.journeys[0]).toEqual({ journey: "checkout", count: 3, mustSucceed: false, user: "42" });
  });

  test("run values and escaped references are left for run time", () => {
    const text = VALID.replace("expect: { consumers: 1 }", 'expect: { depth: "${run.ordersPlaced}" }').replace(
      "description: the consumer is scaled to zero",
      () => "description: costs $${dollars}",
    );
    const { scenario } = loadScenarioText(text, "x.yaml");
    expect(scenario["steady-state"][0]?.expect).toEqual({ depth: "${run.ordersPlaced}" });
    expect(scenario.description).toBe("costs ${dollars}");
  });

  test("an undefined reference is located at the reference itself, with the closest declared name", () => {
    const text = withVariables(["replicas: 1"], "${replica}");
    const { problems } = problemsOf(text);
    expect(problems).toEqual([
      {
        file: "scenarios/test.yaml",
        line: 14,
        col: 15,
        path: "faults[0].replicas",
        message: "${replica} refers to a variable that is not declared",
        code: "undefined_variable",
        fix: "did you mean ${replicas}?",
      },
    ]);
  });

  test("a variable with no value is reported at its declaration with every way to give one", () => {
    const { problems } = problemsOf(withVariables(["replicas: { env: SHOP_REPLICAS }"]), { env: {} });
    expect(problems).toHaveLength(1); // not again where it is used
    expect(problems[0]).toMatchObject({ line: 2, col: 3, path: "variables.replicas", code: "variable_without_value" });
    expect(problems[0]?.fix).toBe("pass --var replicas=…, set SHOP_REPLICAS, set GAMEDAY_VAR_REPLICAS or give it a default");
  });
});

test.describe("secrets", () => {
  const secretScenario =
    lines("variables:", "  token: { env: SHOP_TOKEN, secret: true, default: fallback-credential }", "  other: { defualt: x }") +
    VALID.replace("within: 30s", "within: ${token}").replace("kind: scale", "kind: ${token}");

  test("are returned for redaction and never appear in a message, a fix or a code frame", () => {
    for (const [env, value] of [[{ SHOP_TOKEN: "s3cr3t-from-env" }, "s3cr3t-from-env"], [{}, "fallback-credential"]] as const) {
      const error = problemsOf(secretScenario, { env });
      expect(error.message).not.toContain(value);
      expect(error.message).not.toContain("fallback-credential");
      expect(JSON.stringify(error.problems)).not.toContain(value);
      expect(error.message).toContain("steady-state[0].within: the value of ${token} is not a duration  [invalid_duration]");
      expect(error.message).toContain("faults[0].kind: the value of ${token} is not a fault kind  [unknown_kind]");
      // The declaration is shown above the problem on line 3, with the default masked.
      expect(error.message).toContain("     2 |   token: { env: SHOP_TOKEN, secret: true, default: *** }\n  >  3 |   other: { defualt: x }");
    }
    const valid = lines("variables:", "  token: { env: SHOP_TOKEN, secret: true }") + VALID.replace("description: the consumer is scaled to zero", "description: uses ${token}");
    expect(loadScenarioText(valid, "x.yaml", { env: { SHOP_TOKEN: "s3cr3t-from-env" } }).secrets).toEqual(["s3cr3t-from-env"]);
  });

  test("a secret passed with --var is a secret too", () => {
    const error = problemsOf(secretScenario, { variables: { token: "cli-credential" }, env: {} });
    expect(error.message).not.toContain("cli-credential");
  });
});

test.describe("problems", () => {
  test("every problem is reported at once, sorted by position, as data", () => {
    const text = VALID.replace("target: shop", "target: shop\nseverity: hihg").replace("within: 30s", "within: 30 s").replace("replicas: 0", "replica: 0");
    const { problems } = problemsOf(text);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.path} [${p.code}]`)).toEqual([
      "4:11 severity [invalid_value]",
      "7:13 steady-state[0].within [invalid_duration]",
      "11:5 faults[0].replicas [missing_key]",
      "13:5 faults[0].replica [unrecognized_keys]",
    ]);
  });

  test("pinned: a typo in a key and a malformed duration", () => {
    const text = VALID.replace("within: 30s", "within: 5min").replace("replicas: 0", "replica: 0");
    expect(problemsOf(text).message).toBe(
      [
        "scenarios/test.yaml is not a valid scenario (3 problems):",
        "",
        'scenarios/test.yaml:6:13  steady-state[0].within: "5min" is not a duration  [invalid_duration]',
        "     5 |   - mode: eventually",
        "  >  6 |     within: 5min",
        "       |             ^",
        "     7 |     probe: { kind: queue, name: shipping-task }",
        '    fix: write "5m": a number and a unit (ms, s, m or h) with no space, e.g. "500ms", "30s", "2m" or "1h"',
        "",
        "scenarios/test.yaml:10:5  faults[0].replicas: required number is missing  [missing_key]",
        "     9 | faults:",
        "  > 10 |   - kind: scale",
        "       |     ^",
        "    11 |     deployment: queue-master",
        '    fix: add "replicas:" under faults[0] (a whole number from 0 to 50)',
        "",
        'scenarios/test.yaml:12:5  faults[0].replica: unknown key "replica"  [unrecognized_keys]',
        "    11 |     deployment: queue-master",
        "  > 12 |     replica: 0",
        "       |     ^",
        '    fix: did you mean "replicas"?',
      ].join("\n"),
    );
  });

  test("pinned: an unknown fault kind and an expect field the probe does not have", () => {
    const text = VALID.replace("kind: scale", "kind: scael").replace("expect: { consumers: 1 }", "expect: { consumer: 1 }");
    expect(problemsOf(text).message).toBe(
      [
        "scenarios/test.yaml is not a valid scenario (2 problems):",
        "",
        'scenarios/test.yaml:8:15  steady-state[0].expect.consumer: a queue probe has no field "consumer"  [unknown_field]',
        "     7 |     probe: { kind: queue, name: shipping-task }",
        "  >  8 |     expect: { consumer: 1 }",
        "       |               ^",
        "     9 | faults:",
        '    fix: did you mean "consumers"? a queue probe reads depth, consumers, ready, unacked and exists',
        "",
        'scenarios/test.yaml:10:11  faults[0].kind: "scael" is not a fault kind  [unknown_kind]',
        "     9 | faults:",
        "  > 10 |   - kind: scael",
        "       |           ^",
        "    11 |     deployment: queue-master",
        '    fix: did you mean "scale"? fault kinds: scale, kill-replica, broken-build, broker-outage, patch-env, isolate, drain-node, latency, blackhole or http-error',
      ].join("\n"),
    );
  });

  test("pinned: YAML syntax errors, all at once", () => {
    const text = VALID.replace("    within: 30s", "\twithin: 30s").replace("target: shop", 'target: "shop');
    expect(problemsOf(text).message).toBe(
      [
        "scenarios/test.yaml is not a valid scenario (1 problem):",
        "",
        "scenarios/test.yaml:3:9  YAML syntax: this quoted value is never closed  [MISSING_CHAR]",
        "    2 | description: the consumer is scaled to zero",
        '  > 3 | target: "shop',
        "      |         ^",
        "    4 | steady-state:",
        '    fix: add the closing " at the end of the value',
      ].join("\n"),
    );
    const tabs = problemsOf(VALID.replace("    within: 30s", "\twithin: 30s").replace("target: shop", "target: shop\ntarget: shop"));
    expect(tabs.problems.map((p) => `${p.line}:${p.col} ${p.code}`).slice(0, 2)).toEqual(["4:1 DUPLICATE_KEY", "7:1 TAB_AS_INDENT"]);
    expect(tabs.message).toContain('YAML syntax: the key "target" appears twice in this mapping  [DUPLICATE_KEY]');
  });

  test("pinned: a gate with a phase mode, and a malformed load threshold", () => {
    const text = VALID.replace("mode: eventually\n    within: 30s", "mode: always").concat(
      lines("during:", "  load:", "    executor: constant-arrival-rate", "    flow: checkout", "    rate: 10", "    duration: 1m", "    preAllocatedVUs: 5", "    thresholds:", '      http_req_duration{phase:during}: ["p95<1500"]'),
    );
    expect(problemsOf(text).message).toBe(
      [
        "scenarios/test.yaml is not a valid scenario (2 problems):",
        "",
        'scenarios/test.yaml:5:11  steady-state[0].mode: mode "always" cannot be used in steady-state  [mode_not_allowed]',
        "     4 | steady-state:",
        "  >  5 |   - mode: always",
        "       |           ^",
        "     6 |     probe: { kind: queue, name: shipping-task }",
        '    fix: steady-state is checked before any fault: use "eventually" (with within:) or "stays" (with for:); "always" belongs in during.invariants',
        "",
        'scenarios/test.yaml:20:41  during.load.thresholds["http_req_duration{phase:during}"][0]: "p95<1500" is not a threshold expression  [bad_threshold]',
        "    19 |     thresholds:",
        '  > 20 |       http_req_duration{phase:during}: ["p95<1500"]',
        "       |                                         ^",
        '    fix: write aggregation operator number, e.g. "p(95)<1500"; http_req_duration is a trend: avg, min, max, med, p(N)',
      ].join("\n"),
    );
  });

  test("the file's shape: empty, not a mapping, several documents", () => {
    expect(problemsOf("").problems[0]).toMatchObject({ line: 1, col: 1, code: "empty_file" });
    expect(problemsOf("# nothing yet\n").problems[0]).toMatchObject({ code: "empty_file" });
    expect(problemsOf("- name: x\n").problems[0]).toMatchObject({ code: "not_a_mapping", message: "the top level must be a mapping of keys, found a list" });
    expect(problemsOf("name:x\n").problems[0]?.fix).toBe('put a space after each colon: "name: value"');
    expect(problemsOf(`${VALID}---\n${VALID}`).problems[0]).toMatchObject({ line: 13, col: 1, code: "multiple_documents" });
    // A trailing --- with nothing after it is not a second scenario.
    expect(loadScenarioText(`${VALID}---\n`, "x.yaml").scenario.name).toBe("consumer-outage");
  });

  test("an unreadable file is a located problem too", () => {
    const error = (() => {
      try {
        loadScenario("scenarios/does-not-exist.yaml");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ScenarioProblems);
    expect((error as Error).message).toBe(
      "scenarios/does-not-exist.yaml is not a valid scenario (1 problem):\n\nscenarios/does-not-exist.yaml:1:1  (file): cannot read the scenario: no such file  [unreadable_file]\n    fix: check the path",
    );
  });

  test("keeps the ScenarioError name, so the verdict is invalid input (exit 2)", () => {
    const error = problemsOf("");
    expect(error.name).toBe("ScenarioError");
    expect(classifyFailure([{ stack: error.stack ?? "" }])).toBe("invalid input");
  });

  test("wording: numbers out of range, quoted numbers, misplaced keys, keys of another kind", () => {
    const message = (replace: [string, string]): string => problemsOf(VALID.replace(...replace)).message;
    expect(message(["replicas: 0", "replicas: 80"])).toContain("faults[0].replicas: must be at most 50, found 80  [too_big]\n");
    expect(message(["replicas: 0", "replicas: 80"])).toContain("fix: use a whole number from 0 to 50");
    expect(message(["replicas: 0", 'replicas: "2"'])).toContain("fix: remove the quotes: replicas: 2");
    expect(message(["consumers: 1", 'consumers: ">= 1"'])).toContain("fix: write the comparison as a mapping: consumers: { gte: 1 }");
    expect(message(["replicas: 0", "replicas: 0\n    count: 2"])).toContain(
      'fix: "count" belongs to kind kill-replica, and this fault is kind scale; its keys are kind, deployment, replicas, start and duration',
    );
    expect(message(["faults:", "invariants: []\nfaults:"])).toContain("fix: invariants go in steady-state (before the fault), during.invariants");
    expect(message(["expect: { consumers: 1 }", "expect: { consumers: 1 }\n    consumers: 1"])).toContain("fix: put it under expect:, e.g. expect: { consumers: 1 }");
    expect(message(["within: 30s", "within: 30"])).toContain('fix: write "30s": a number and a unit');
    expect(message(["within: 30s", "within: -5s"])).toContain("fix: a duration cannot be negative");
  });
});

test.describe("helpers", () => {
  test("edit distance counts a swap of neighbours as one edit", () => {
    expect(editDistance("scael", "scale")).toBe(1);
    expect(editDistance("replica", "replicas")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(closest("Steady_State", ["steady-state", "faults"])).toBe("steady-state");
    expect(closest("kill", ["scale", "kill-replica"])).toBe("kill-replica");
    expect(closest("zzz", ["scale", "latency"])).toBeUndefined();
  });

  test("duration suggestions", () => {
    expect(["30 s", "5min", "10 seconds", "2hrs", "1m30s", "1h30m", "PT30S", "1,5s", 45].map(suggestDuration)).toEqual([
      "30s",
      "5m",
      "10s",
      "2h",
      "90s",
      "90m",
      "30s",
      "1.5s",
      "45s",
    ]);
    expect(suggestDuration("soon")).toBeUndefined();
  });
});
