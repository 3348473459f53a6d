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

/**
 * The oracle: whether a stage configuration must be accepted, decided from the README's configuration reference
 * (the documented limits, not the schema): each key's values, then the rules across keys. Numbers and flags may
 * be written as strings, as `pulumi config set` writes them. Only for values a stage file can hold (see
 * {@link isStageFileValue}).
 */
function mustAccept(config: Record<string, unknown>, stack = "fuzz"): boolean {
  const known = ["targets", "api", "memory", "timeout", "architecture", "reservedConcurrency", "provisionedConcurrency", "keepVersions", "logRetentionDays", "logLevel", "tracing", "throttle", "cors", "env", "secrets", "release", "releases", "rollout", "traffic", "requireRelease", "domain", "alarms"];
  if (!onlyKeys(config, known)) return false;
  const { targets, api = "http", timeout = 10, reservedConcurrency, provisionedConcurrency, throttle, cors, env = {}, secrets = {}, release = "build", releases = {}, rollout = {}, traffic = {}, domain, alarms = {} } = config;
  // fleet:targets: a list of { account, roleArn, regions }, the role in the same account, each region once per account.
  const targetList = items(targets);
  if (!targetList || targetList.length === 0) return false;
  const regionsOf = new Map<string, string[]>();
  for (const target of targetList) {
    if (!isMap(target) || !onlyKeys(target, ["account", "roleArn", "regions"])) return false;
    const { account, roleArn } = target;
    const regions = items(target.regions);
    if (typeof account !== "string" || !/^\d{12}$/.test(account) || typeof roleArn !== "string") return false;
    if (!roleArn.startsWith(`arn:aws:iam::${account}:role/`) || !/^[\w+=,.@/-]{1,512}$/.test(roleArn.slice(`arn:aws:iam::${account}:role/`.length))) return false;
    if (!regions || regions.length === 0 || !regions.every((region) => typeof region === "string" && (awsRegions as readonly string[]).includes(region))) return false;
    const all = [...(regionsOf.get(account) ?? []), ...(regions as string[])];
    if (new Set(all).size !== all.length) return false;
    regionsOf.set(account, all);
  }
  const keys = [...regionsOf].flatMap(([account, regions]) => regions.map((region) => `${account}/${region}`));
  const isRegionKey = (key: string) => keys.includes(key);
  // Lambda's and API Gateway's limits.
  if (api !== "http" && api !== "rest") return false;
  if (!inRange(config.memory, 128, 10240, 512)) return false;
  if (!inRange(timeout, 1, api === "rest" ? 29 : 30)) return false;
  if (!oneOf(config.architecture, ["arm64", "x86_64"])) return false;
  if (!inRange(reservedConcurrency, 1, Infinity, 1) || !inRange(provisionedConcurrency, 1, Infinity, 1) || !inRange(config.keepVersions, 1, Infinity, 10)) return false;
  // Twice the provisioned concurrency fits in the reserved one: both versions hold it while live moves.
  if (reservedConcurrency !== undefined && provisionedConcurrency !== undefined && 2 * numberOf(provisionedConcurrency)! > numberOf(reservedConcurrency)!) return false;
  const retention = config.logRetentionDays === undefined ? 14 : numberOf(config.logRetentionDays);
  if (![1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].includes(retention as number)) return false;
  if (!oneOf(config.logLevel, ["debug", "info", "warn", "error"]) || !isFlag(config.tracing) || !isFlag(config.requireRelease)) return false;
  if (throttle !== undefined) {
    if (!isMap(throttle) || !onlyKeys(throttle, ["rate", "burst"])) return false;
    const rate = numberOf(throttle.rate);
    if (rate === undefined || !(rate > 0) || !inRange(throttle.burst, 1, Infinity)) return false;
  }
  // CORS on the HTTP API only, for origins `*` or scheme://host[:port].
  if (cors !== undefined) {
    if (api !== "http" || !isMap(cors) || !onlyKeys(cors, ["origins"])) return false;
    const origins = items(cors.origins);
    if (!origins || origins.length === 0 || !origins.every((origin) => typeof origin === "string" && /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/.test(origin))) return false;
  }
  // Variables: names of letters, digits and _, not Lambda's or fleet's own; a name in one of the two maps; 4 KB in all.
  for (const map of [env, secrets]) if (!isMap(map) || !Object.values(map).every((value) => typeof value === "string")) return false;
  const names = [...Object.keys(env as object), ...Object.keys(secrets as object)];
  if (new Set(names).size !== names.length) return false;
  if (!names.every((name) => /^[A-Za-z][A-Za-z0-9_]*$/.test(name) && !/^(AWS_|LAMBDA_|FLEET_)/.test(name))) return false;
  const environment = { ...(env as object), ...(secrets as object), FLEET_STAGE: stack, FLEET_RELEASE: `sha256:${"0".repeat(64)}`, FLEET_LOG_LEVEL: String(config.logLevel ?? "info") };
  if (Buffer.byteLength(JSON.stringify(environment)) > 4096) return false;
  // Releases: build or a stored release's digest, per region only for the stage's regions; requireRelease refuses build.
  const digest = (value: unknown) => typeof value === "string" && /^sha256:[0-9a-f]{64}$/.test(value);
  if (release !== "build" && !digest(release)) return false;
  if ((config.requireRelease === true || config.requireRelease === "true") && release === "build") return false;
  if (!isMap(releases) || !Object.entries(releases).every(([key, value]) => isRegionKey(key) && digest(value))) return false;
  // Progressive delivery: waves cumulative (counts first, strictly increasing, at most the stage, ending at 100%),
  // a bake of at most 1h, canary steps 1..99 strictly increasing.
  if (!isMap(rollout) || !onlyKeys(rollout, ["waves", "bake", "canary", "maxConcurrent"])) return false;
  const { bake = "0s", maxConcurrent } = rollout;
  const waves = rollout.waves === undefined ? [1, "100%"] : items(rollout.waves);
  const canary = rollout.canary === undefined ? [] : items(rollout.canary);
  if (!waves || waves.length === 0) return false;
  // Each wave a count (digits, at least 1) or a whole percentage 1..100; the counts first.
  const sizes: { count?: number; percent?: number }[] = [];
  for (const wave of waves) {
    const text = typeof wave === "number" ? String(wave) : typeof wave === "string" ? wave.trim() : "";
    const percent = /^(\d{1,3})%$/.exec(text);
    if (/^\d{1,6}$/.test(text) && Number(text) >= 1) sizes.push({ count: Number(text) });
    else if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) sizes.push({ percent: Number(percent[1]) });
    else return false;
  }
  const counts = sizes.flatMap((size) => (size.count === undefined ? [] : [size.count]));
  const percents = sizes.flatMap((size) => (size.percent === undefined ? [] : [size.percent]));
  if (sizes.slice(0, counts.length).some((size) => size.count === undefined)) return false;
  if (!increasing(counts) || !increasing(percents) || counts.some((count) => count > keys.length) || sizes.at(-1)!.percent !== 100) return false;
  const bakeMatch = typeof bake === "string" ? /^(\d{1,7})(ms|s|m|h)$/.exec(bake.trim()) : null;
  if (!bakeMatch || Number(bakeMatch[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[bakeMatch[2] as "ms"] > 3_600_000) return false;
  if (!canary || !canary.every((step) => inRange(step, 1, 99)) || !increasing(canary.map((step) => numberOf(step)!))) return false;
  if (!inRange(maxConcurrent, 1, Infinity, 1)) return false;
  // A canary step in flight, in a region of the stage.
  if (!isMap(traffic)) return false;
  for (const [key, step] of Object.entries(traffic)) {
    if (!isRegionKey(key) || !isMap(step) || !onlyKeys(step, ["stableVersion", "stableRelease", "canaryWeight"])) return false;
    const version = step.stableVersion;
    if (!((typeof version === "string" || typeof version === "number") && /^[1-9]\d{0,9}$/.test(String(version)))) return false;
    if (!digest(step.stableRelease) || !inRange(step.canaryWeight, 0, 99)) return false;
  }
  // The global domain: a lowercase host name of at most 64 characters, a hosted zone id, a target account; each
  // region served by one account only (its host name is <region>.<name>).
  if (domain !== undefined) {
    if (!isMap(domain) || !onlyKeys(domain, ["name", "hostedZoneId", "account"])) return false;
    const { name, hostedZoneId, account } = domain;
    if (typeof name !== "string" || name.length > 64 || !/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(name)) return false;
    if (typeof hostedZoneId !== "string" || !/^Z[A-Z0-9]{1,32}$/.test(hostedZoneId)) return false;
    if (account !== undefined && !(typeof account === "string" && regionsOf.has(account))) return false;
    const regions = [...regionsOf.values()].flat();
    if (new Set(regions).size !== regions.length) return false;
  }
  // Alarms: CloudWatch's periods (10, 20, 30 or a multiple of 60 s), M of N with M ≤ N, a window of at most a day.
  if (!isMap(alarms) || !onlyKeys(alarms, ["email", "p99LatencyMs", "errorRate", "period", "evaluationPeriods", "datapointsToAlarm"])) return false;
  const { email, p99LatencyMs, errorRate = 0.05, period = 60, evaluationPeriods = 3, datapointsToAlarm = 2 } = alarms;
  if (email !== undefined && !(typeof email === "string" && /^[\w.+-]+@([a-z0-9-]+\.)+[a-z]{2,}$/i.test(email))) return false;
  if (!inRange(p99LatencyMs, 1, Infinity, 1)) return false;
  const rate = numberOf(errorRate);
  if (rate === undefined || !(rate > 0 && rate <= 1)) return false;
  const seconds = numberOf(period);
  if (seconds === undefined || !(seconds === 10 || seconds === 20 || seconds === 30 || (seconds > 0 && seconds % 60 === 0))) return false;
  if (!inRange(evaluationPeriods, 1, Infinity) || !inRange(datapointsToAlarm, 1, Infinity)) return false;
  if (numberOf(datapointsToAlarm)! > numberOf(evaluationPeriods)! || seconds * numberOf(evaluationPeriods)! > 86_400) return false;
  return true;
}

/** A number as a stage file may write it: a finite number, or its decimal digits as a string. */
function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  return typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/** Unset (when the key has a default), or a whole number in [min, max]. */
function inRange(value: unknown, min: number, max: number, ...unset: [number?]): boolean {
  if (value === undefined) return unset.length > 0;
  const number = numberOf(value);
  return number !== undefined && Number.isSafeInteger(number) && number >= min && number <= max;
}

function oneOf(value: unknown, allowed: string[]): boolean {
  return value === undefined || (typeof value === "string" && allowed.includes(value));
}

function isFlag(value: unknown): boolean {
  return value === undefined || typeof value === "boolean" || value === "true" || value === "false";
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyKeys(value: Record<string, unknown>, keys: string[]): boolean {
  return Object.keys(value).every((key) => keys.includes(key));
}

/** A list's items, a hole (an item deleted) as undefined; undefined when it is not a list. */
function items(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? Array.from(value) : undefined;
}

function increasing(values: number[]): boolean {
  return values.every((value, i) => i === 0 || value > values[i - 1]!);
}

/**
 * What a stage file can hold: YAML's scalars, lists and maps (Pulumi reads it as such). Maps, sets, dates, big
 * integers and typed arrays never come out of one, so for them only the kind of error is checked.
 */
function isStageFileValue(value: unknown): boolean {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every((item, i) => i in value && isStageFileValue(item));
  if (typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && Object.values(value).every(isStageFileValue);
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
    assert.equal(mustAccept(validConfig()), true);
  });

  it("accepts and rejects each documented limit at its edges, as the oracle decides", () => {
    const edges: [ReadonlyArray<string | number>, unknown, boolean][] = [
      [["memory"], 128, true], [["memory"], 127, false], [["memory"], "10240", true], [["memory"], 10241, false], [["memory"], 1024.5, false],
      [["timeout"], 30, true], [["timeout"], 31, false], [["timeout"], 0, false],
      [["reservedConcurrency"], 4, true], [["reservedConcurrency"], 3, false], [["provisionedConcurrency"], 25, true], [["provisionedConcurrency"], 26, false],
      [["logRetentionDays"], 3653, true], [["logRetentionDays"], 10, false], [["tracing"], "false", true], [["tracing"], "yes", false],
      [["throttle", "rate"], 0.5, true], [["throttle", "rate"], 0, false], [["throttle", "burst"], 1.5, false],
      [["cors", "origins", 0], "http://localhost:3000", true], [["cors", "origins", 0], "https://app.example.com/", false], [["api"], "rest", false],
      [["env", "LAMBDA_X"], "1", false], [["env", "_X"], "1", false], [["env", "X_1"], "1", true], [["env", "BIG"], "x".repeat(3800), true], [["env", "BIG"], "x".repeat(4000), false],
      [["secrets", "FEATURE_X"], "[secret]", false], [["release"], `sha256:${"A".repeat(64)}`, false], [["requireRelease"], "true", false],
      [["releases", "123456789012/eu-west-1"], `sha256:${"b".repeat(64)}`, true], [["releases", "123456789012/eu-central-1"], `sha256:${"b".repeat(64)}`, false],
      [["rollout", "waves"], [3, "100%"], true], [["rollout", "waves"], [4, "100%"], false], [["rollout", "waves"], ["50%", 2, "100%"], false], [["rollout", "waves"], [2, 2, "100%"], false],
      [["rollout", "waves"], [1, "99%"], false], [["rollout", "waves"], ["101%"], false], [["rollout", "bake"], "1h", true], [["rollout", "bake"], "61m", false], [["rollout", "bake"], 300, false],
      [["rollout", "canary"], [1, 99], true], [["rollout", "canary"], [50, 50], false], [["rollout", "canary"], [100], false], [["rollout", "maxConcurrent"], 0, false],
      [["traffic", "123456789012/eu-west-1", "canaryWeight"], 0, true], [["traffic", "123456789012/eu-west-1", "canaryWeight"], 100, false],
      [["traffic", "123456789012/eu-west-1", "stableVersion"], 7, true], [["traffic", "123456789012/eu-west-1", "stableVersion"], "07", false],
      [["domain", "name"], `${"a".repeat(52)}.example.com`, true], [["domain", "name"], `${"a".repeat(53)}.example.com`, false], [["domain", "name"], "API.example.com", false],
      [["domain", "account"], "210987654321", true], [["domain", "account"], "111111111111", false], [["targets", 1, "regions", 0], "eu-west-1", false],
      [["alarms", "errorRate"], 1, true], [["alarms", "errorRate"], 0, false], [["alarms", "period"], 20, true], [["alarms", "period"], 90, false], [["alarms", "period"], 120, true],
      [["alarms", "evaluationPeriods"], 1440, true], [["alarms", "evaluationPeriods"], 1441, false], [["alarms", "datapointsToAlarm"], 3, true], [["alarms", "datapointsToAlarm"], 4, false],
      [["targets", 0, "roleArn"], "arn:aws:iam::210987654321:role/fleet-deploy", false], [["targets", 0, "regions", 1], "eu-west-1", false], [["targets", 0, "account"], "12345678901", false],
    ];
    for (const [at, value, accepted] of edges) {
      const raw = validConfig();
      setAt(raw, at, value);
      assert.equal(mustAccept(raw), accepted, `the oracle on ${userKey(at)}: ${fc.stringify(value)}`);
      assert.equal(parseOrExplain("fuzz", raw).ok, accepted, `the schema on ${userKey(at)}: ${fc.stringify(value)}`);
    }
  });

  it(`accepts or rejects ${runs} single-key changes, and a rejection names the changed key`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...keyPaths), interestingValue, (at, value) => {
        const raw = validConfig();
        setAt(raw, at, value);
        const outcome = parseOrExplain("fuzz", raw);
        const changed = userKey(at);
        if (isStageFileValue(value)) {
          const expected = mustAccept(raw);
          assert.equal(outcome.ok, expected, `${changed}: ${fc.stringify(value)} must be ${expected ? "accepted" : "rejected"}${outcome.ok ? "" : ` (rejected on ${outcome.keys.join(", ")})`}`);
        }
        if (outcome.ok) return;
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
        const outcome = parseOrExplain("chaos", raw);
        if (isStageFileValue(raw)) assert.equal(outcome.ok, mustAccept(raw, "chaos"), fc.stringify(raw));
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
