import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { parseStageConfig, StageConfigError, stageConfigKeys } from "../../core/stage-schema";
import { awsRegions } from "../../core/regions";
import { readStageFile } from "../../core/stage-file";

/** Scales with FLEET_FUZZ_RUNS like the handler properties (2,000 in `npm test`). */
const runs = Number(process.env.FLEET_FUZZ_RUNS ?? 2000);
const seed = process.env.FLEET_FUZZ_SEED === undefined ? undefined : Number(process.env.FLEET_FUZZ_SEED);

/** A configuration every rule accepts; each case breaks one part of it. */
function validConfig(): Record<string, unknown> {
  return {
    targets: [
      { account: "123456789012", roleArn: "arn:aws:iam::123456789012:role/fleet-deploy", regions: ["eu-west-1", "us-east-1"] },
      { account: "210987654321", roleArn: "arn:aws:iam::210987654321:role/fleet-deploy", regions: ["eu-central-1"] },
    ],
    api: "http",
    memory: 1024,
    timeout: 10,
    architecture: "arm64",
    reservedConcurrency: 50,
    provisionedConcurrency: 2,
    logRetentionDays: 30,
    logLevel: "info",
    tracing: true,
    throttle: { rate: 100, burst: 200 },
    cors: { origins: ["https://app.example.com"] },
    env: { FEATURE_X: "on" },
    secrets: { API_TOKEN: "[secret]" },
    release: "build",
    requireRelease: false,
    domain: { name: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
    alarms: { email: "oncall@example.com", p99LatencyMs: 2000, errorRate: 0.05, period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 },
    rollout: { waves: [1, "50%", "100%"], bake: "5m", canary: [10, 50], maxConcurrent: 2 },
    traffic: { "123456789012/eu-west-1": { stableVersion: "7", stableRelease: "sha256:" + "a".repeat(64), canaryWeight: 10 } },
  };
}

/** Every place a value can go wrong, as a path into the config. */
const keyPaths: ReadonlyArray<ReadonlyArray<string | number>> = [
  ...stageConfigKeys.map((key) => [key]),
  ["targets", 0], ["targets", 0, "account"], ["targets", 0, "roleArn"], ["targets", 0, "regions"], ["targets", 0, "regions", 0],
  ["targets", 1, "regions", 0], ["targets", 0, "extra"], ["throttle", "rate"], ["throttle", "burst"], ["cors", "origins"],
  ["cors", "origins", 0], ["env", "FEATURE_X"], ["env", "AWS_REGION"], ["env", "1BAD"], ["secrets", "API_TOKEN"],
  ["secrets", "FEATURE_X"], ["domain", "name"], ["domain", "hostedZoneId"], ["domain", "account"], ["alarms", "email"],
  ["alarms", "p99LatencyMs"], ["alarms", "errorRate"], ["alarms", "period"], ["alarms", "evaluationPeriods"], ["alarms", "datapointsToAlarm"],
  ["rollout", "waves"], ["rollout", "waves", 0], ["rollout", "waves", 2], ["rollout", "bake"], ["rollout", "canary"], ["rollout", "canary", 1],
  ["rollout", "maxConcurrent"], ["rollout", "extra"], ["traffic", "123456789012/eu-west-1"], ["traffic", "123456789012/eu-west-1", "stableVersion"],
  ["traffic", "123456789012/eu-west-1", "canaryWeight"], ["traffic", "123456789012/mars-1"], ["unknownKey"],
];

/** Keys whose value a cross-field rule reports on another key (the one the user has to change). */
const relatedKeys: Record<string, string[]> = {
  "fleet:api": ["fleet:timeout", "fleet:cors"],
  "fleet:timeout": ["fleet:timeout"],
  "fleet:reservedConcurrency": ["fleet:provisionedConcurrency"],
  "fleet:requireRelease": ["fleet:release"],
  "fleet:env": ["fleet:secrets."],
  "fleet:env.FEATURE_X": ["fleet:secrets."],
  "fleet:secrets": ["fleet:secrets."],
  "fleet:alarms.evaluationPeriods": ["fleet:alarms.datapointsToAlarm"],
  "fleet:alarms.period": ["fleet:alarms.evaluationPeriods"],
  // A wave or a step is judged against its neighbours: a change to one can make the next (or the last) wrong.
  "fleet:rollout.waves[0]": ["fleet:rollout.waves["],
  "fleet:rollout.waves[2]": ["fleet:rollout.waves["],
  "fleet:rollout.canary[1]": ["fleet:rollout.canary["],
  "fleet:targets": ["fleet:domain.account", "fleet:rollout.waves[", "fleet:traffic."],
  "fleet:targets[0]": ["fleet:domain.account", "fleet:rollout.waves[", "fleet:traffic."],
  "fleet:targets[0].account": ["fleet:targets[0].roleArn", "fleet:domain.account", "fleet:traffic."],
  "fleet:targets[0].regions": ["fleet:traffic.", "fleet:rollout.waves["],
  "fleet:targets[0].regions[0]": ["fleet:traffic."],
};

const interestingValue = fc.oneof(
  fc.constantFrom(
    undefined, null, "", " ", "abc", 0, -1, 1, 29, 30, 31, 127, 128, 10240, 10241, 1.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY,
    "1024", "-5", "true", "false", true, false, [], {}, [null], ["eu-west-1", "eu-west-1"], "eu-west-1", "moon-east-1",
    "rest", "http", "arm64", "x86_64", "123456789012", "12345678901", "0123456789012", "arn:aws:iam::210987654321:role/x",
    "sha256:" + "a".repeat(64), "sha256:XYZ", "https://a.example.com", "*", "ftp://x", "not-an-email", "Z12", { secure: "AAEAAQ==" },
    "__proto__", "constructor", "\u0000", "é", "a\nb",
  ),
  fc.constantFrom(...awsRegions),
  fc.anything({ maxDepth: 2, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true }),
);

/** Sets (or, for undefined, deletes) the value at `at`, creating containers on the way. */
function setAt(config: Record<string, unknown>, at: ReadonlyArray<string | number>, value: unknown): void {
  let node: Record<string | number, unknown> = config;
  for (const segment of at.slice(0, -1)) {
    if (typeof node[segment] !== "object" || node[segment] === null) node[segment] = {};
    node = node[segment] as Record<string | number, unknown>;
  }
  const last = at[at.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

function userKey(at: ReadonlyArray<string | number>): string {
  return at.reduce<string>((key, segment, index) => (typeof segment === "number" ? `${key}[${segment}]` : index === 0 ? `${key}${segment}` : `${key}.${segment}`), "fleet:");
}

/** The contract: accepted, or a StageConfigError naming the stack and, for every issue, a `fleet:` key and a fix. */
function parseOrExplain(stack: string, raw: Record<string, unknown>): { ok: true } | { ok: false; keys: string[] } {
  try {
    parseStageConfig(stack, raw);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw new Error(`threw ${String(error)} instead of a StageConfigError`);
    assert.match(error.message, new RegExp(`stack "${stack}"`));
    assert.ok(error.issues.length > 0, "a StageConfigError without issues");
    for (const issue of error.issues) {
      assert.match(issue.key, /^fleet:/, `issue key ${issue.key}`);
      assert.match(issue.message, /Fix:/, `${issue.key}: ${issue.message} gives no fix`);
    }
    return { ok: false, keys: error.issues.map((issue) => issue.key) };
  }
}

describe("the stage config schema under random configurations", function () {
  this.timeout(120_000 + runs * 20);

  it("accepts the untouched base configuration (so every rejection below is caused by the change)", () => {
    assert.deepEqual(parseOrExplain("fuzz", validConfig()), { ok: true });
  });

  it(`accepts or rejects ${runs} single-key changes, and a rejection names the changed key`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...keyPaths), interestingValue, (at, value) => {
        const raw = validConfig();
        setAt(raw, at, value);
        const outcome = parseOrExplain("fuzz", raw);
        if (outcome.ok) return;
        const changed = userKey(at);
        // A list item may be reported on a sibling (the second of two equal regions is the duplicate).
        const list = typeof at[at.length - 1] === "number" ? [userKey(at.slice(0, -1))] : [];
        const related = [changed, ...list, ...(relatedKeys[changed] ?? [])];
        assert.ok(
          outcome.keys.some((key) => related.some((near) => key.startsWith(near) || near.startsWith(key))),
          `changing ${changed} to ${fc.stringify(value)} was rejected on ${outcome.keys.join(", ")}`,
        );
      }),
      { numRuns: runs, seed },
    );
  });

  it(`never throws anything but a StageConfigError for ${Math.round(runs / 4)} arbitrary objects`, () => {
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom(...stageConfigKeys), fc.string()), interestingValue, { maxKeys: 6 }), (raw) => {
        parseOrExplain("chaos", raw);
      }),
      { numRuns: Math.round(runs / 4), seed },
    );
  });

  describe("through Pulumi.<stack>.yaml", () => {
    let root: string;
    before(() => {
      root = mkdtempSync(path.join(os.tmpdir(), "fleet-config-fuzz-"));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it(`reads ${Math.round(runs / 10)} random stack files into a config or a StageConfigError naming the file's keys`, () => {
      const yamlValue = fc.oneof(interestingValue.filter((v) => typeof v !== "bigint" && !(v instanceof Map) && !(v instanceof Set)), fc.constant({ secure: "v1:abc" }));
      fc.assert(
        fc.property(fc.constantFrom(...keyPaths), yamlValue, fc.boolean(), fc.constantFrom("", "\n  : bad", "config: [", "\t"), (at, value, namespaced, noise) => {
          const raw = validConfig();
          setAt(raw, at, value);
          const config = Object.fromEntries(Object.entries(raw).map(([key, v]) => [namespaced ? `fleet:${key}` : key, v]));
          let text: string;
          try {
            text = stringify({ config }) + noise;
          } catch {
            return; // a value YAML cannot write is not a file a user could have
          }
          writeFileSync(path.join(root, "Pulumi.fuzz.yaml"), text);
          try {
            readStageFile("fuzz", root);
          } catch (error) {
            if (!(error instanceof StageConfigError)) throw new Error(`threw ${String(error)} instead of a StageConfigError`);
            for (const issue of error.issues) assert.ok(issue.key.startsWith("fleet:") || issue.key === "Pulumi.fuzz.yaml", issue.key);
          }
        }),
        { numRuns: Math.round(runs / 10), seed },
      );
    });
  });
});
