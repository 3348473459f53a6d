import assert from "node:assert/strict";
import { parseStageConfig, StageConfigError, type StageConfigIssue } from "../../core/stage-schema";

/** A valid stage; each test breaks one rule of it. */
function validStage(): Record<string, unknown> {
  return {
    targets: [
      { account: "111111111111", roleArn: "arn:aws:iam::111111111111:role/fleet-deploy", regions: ["us-east-1", "eu-west-1"] },
      { account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", regions: ["us-east-1"] },
    ],
    api: "http",
  };
}

function issuesOf(raw: Record<string, unknown>): StageConfigIssue[] {
  try {
    parseStageConfig("test", raw);
  } catch (error) {
    assert.ok(error instanceof StageConfigError, `expected StageConfigError, got ${String(error)}`);
    assert.equal(error.stackName, "test");
    assert.match(error.message, /^stack "test": invalid configuration in Pulumi\.test\.yaml/);
    return error.issues;
  }
  assert.fail("the configuration was accepted");
}

/** Asserts exactly one issue, on `key`, whose message matches `pattern` and carries a fix. */
function assertRejects(raw: Record<string, unknown>, key: string, pattern: RegExp): void {
  const issues = issuesOf(raw);
  assert.deepEqual(issues.map((issue) => issue.key), [key], JSON.stringify(issues));
  assert.match(issues[0]!.message, pattern);
  assert.match(issues[0]!.message, /Fix: /);
}

describe("stage config schema (core/stage-schema.ts)", () => {
  it("accepts a minimal stage and fills the documented defaults", () => {
    const config = parseStageConfig("test", { targets: validStage().targets });
    assert.equal(config.api, "http");
    assert.equal(config.memory, 512);
    assert.equal(config.timeout, 10);
    assert.equal(config.architecture, "arm64");
    assert.equal(config.logRetentionDays, 14);
    assert.equal(config.logLevel, "info");
    assert.equal(config.tracing, false);
    assert.deepEqual(config.throttle, { rate: 1000, burst: 2000 });
    assert.deepEqual(config.env, {});
    assert.deepEqual(config.secrets, {});
    assert.equal(config.release, "build");
    assert.equal(config.requireRelease, false);
    assert.deepEqual(config.alarms, { p99LatencyMs: 2000, errorRate: 0.05, period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 });
    assert.deepEqual(config.rollout, { waves: [{ count: 1 }, { percent: 100 }], bake: 0, canary: [] }, "today's behaviour: the first region alone, then all");
    assert.deepEqual(config.traffic, {});
  });

  it("reads numbers and booleans written as strings by `pulumi config set`", () => {
    const config = parseStageConfig("test", { ...validStage(), memory: "1024", timeout: "20", tracing: "true", requireRelease: "false" });
    assert.equal(config.memory, 1024);
    assert.equal(config.timeout, 20);
    assert.equal(config.tracing, true);
  });

  it("rejects an account id that is not 12 digits", () => {
    const stage = validStage();
    (stage.targets as { account: string }[])[1]!.account = "12345";
    assertRejects(stage, "fleet:targets[1].account", /12 digits/);
  });

  it("rejects an account id written as a number, asking for quotes", () => {
    const stage = validStage();
    (stage.targets as { account: unknown }[])[0]!.account = 111111111111;
    assertRejects(stage, "fleet:targets[0].account", /quoted string/);
  });

  it("rejects a role ARN from another account than the target's", () => {
    const stage = validStage();
    (stage.targets as { roleArn: string }[])[1]!.roleArn = "arn:aws:iam::111111111111:role/fleet-deploy";
    assertRejects(stage, "fleet:targets[1].roleArn", /account 111111111111, not in 222222222222/);
  });

  it("rejects a malformed role ARN", () => {
    const stage = validStage();
    (stage.targets as { roleArn: string }[])[0]!.roleArn = "fleet-deploy";
    assertRejects(stage, "fleet:targets[0].roleArn", /not an IAM role ARN/);
  });

  it("rejects a region that does not exist, naming its index", () => {
    const stage = validStage();
    (stage.targets as { regions: string[] }[])[1]!.regions = ["us-east-9"];
    assertRejects(stage, "fleet:targets[1].regions[0]", /is not an AWS region \(got "us-east-9"\)/);
  });

  it("rejects a region listed twice for one account, also across two target entries", () => {
    const stage = validStage();
    (stage.targets as { regions: string[] }[])[0]!.regions = ["us-east-1", "us-east-1"];
    assertRejects(stage, "fleet:targets[0].regions[1]", /us-east-1 is listed twice for account 111111111111/);
    const split = validStage();
    (split.targets as { account: string; roleArn: string }[])[1] = { ...(split.targets as { account: string; roleArn: string }[])[0]!, regions: ["eu-west-1"] } as never;
    assertRejects(split, "fleet:targets[1].regions[0]", /eu-west-1 is listed twice/);
  });

  it("allows the same region in two different accounts", () => {
    assert.doesNotThrow(() => parseStageConfig("test", validStage()));
  });

  it("rejects a target without regions and a stage without targets", () => {
    const stage = validStage();
    (stage.targets as { regions: string[] }[])[0]!.regions = [];
    assertRejects(stage, "fleet:targets[0].regions", /no region/);
    assertRejects({ targets: [] }, "fleet:targets", /empty/);
    assertRejects({}, "fleet:targets", /list of \{ account, roleArn, regions \}/);
  });

  it("rejects a timeout above the REST API's 29 s integration limit and accepts 29", () => {
    assertRejects({ ...validStage(), api: "rest", timeout: 30 }, "fleet:timeout", /exceeds the rest API's integration timeout of 29 s/);
    assert.equal(parseStageConfig("test", { ...validStage(), api: "rest", timeout: 29 }).timeout, 29);
  });

  it("rejects a timeout above the HTTP API's 30 s integration limit and accepts 30", () => {
    assertRejects({ ...validStage(), api: "http", timeout: 31 }, "fleet:timeout", /integration timeout of 30 s/);
    assert.equal(parseStageConfig("test", { ...validStage(), api: "http", timeout: 30 }).timeout, 30);
  });

  it("rejects memory outside 128..10240 MB", () => {
    assertRejects({ ...validStage(), memory: 127 }, "fleet:memory", /128\.\.10240/);
    assertRejects({ ...validStage(), memory: 10241 }, "fleet:memory", /128\.\.10240/);
    assert.equal(parseStageConfig("test", { ...validStage(), memory: 10240 }).memory, 10240);
  });

  it("rejects provisioned concurrency that the two versions holding it during a move would take above reserved concurrency", () => {
    assertRejects(
      { ...validStage(), reservedConcurrency: 5, provisionedConcurrency: 3 },
      "fleet:provisionedConcurrency",
      /3 on each of the two versions that hold it while live moves \(6\) exceeds fleet:reservedConcurrency \(5\)\. Fix: lower it to at most 2 or raise reservedConcurrency to at least 6/,
    );
    assert.equal(parseStageConfig("test", { ...validStage(), reservedConcurrency: 6, provisionedConcurrency: 3 }).provisionedConcurrency, 3);
  });

  it("rejects a log retention CloudWatch does not accept", () => {
    assertRejects({ ...validStage(), logRetentionDays: 10 }, "fleet:logRetentionDays", /retention CloudWatch accepts/);
    assert.equal(parseStageConfig("test", { ...validStage(), logRetentionDays: 365 }).logRetentionDays, 365);
  });

  it("rejects an unknown api kind and an unknown key", () => {
    assertRejects({ ...validStage(), api: "graphql" }, "fleet:api", /rest or http/);
    assertRejects({ ...validStage(), memmory: 1024 }, "fleet:memmory", /not a fleet setting/);
  });

  it("rejects build as the release of a stage that requires releases", () => {
    assertRejects({ ...validStage(), requireRelease: true }, "fleet:release", /requireRelease: true/);
    const digest = `sha256:${"a".repeat(64)}`;
    assert.equal(parseStageConfig("test", { ...validStage(), requireRelease: true, release: digest }).release, digest);
  });

  it("rejects a release that is neither build nor a sha256 digest", () => {
    assertRejects({ ...validStage(), release: "v1.2.3" }, "fleet:release", /build or sha256/);
  });

  it("rejects a REST API for a stack whose name API Gateway refuses as a stage name", () => {
    const rest = { ...validStage(), api: "rest" };
    assert.throws(() => parseStageConfig("prod.eu", rest), (error: unknown) => {
      assert.ok(error instanceof StageConfigError);
      assert.deepEqual(error.issues.map((issue) => issue.key), ["fleet:api"]);
      assert.match(error.issues[0]!.message, /"prod\.eu" is not a valid stage name.*Fix: /);
      return true;
    });
    assert.equal(parseStageConfig("prod.eu", validStage()).api, "http", "an HTTP API's stage is $default, whatever the stack");
    assert.equal(parseStageConfig("prod_eu-1", rest).api, "rest");
  });

  it("rejects a stack name that would make a function name longer than Lambda's 64 characters", () => {
    const stage = { ...validStage(), targets: [{ account: "111111111111", roleArn: "arn:aws:iam::111111111111:role/fleet-deploy", regions: ["us-east-1", "ap-southeast-2"] }] };
    const longest = "s".repeat(16); // 16 + "-111111111111-ap-southeast-2-function-fn" (40) + "-" and 7 random = 64
    assert.equal(parseStageConfig(longest, stage).targets.length, 1);
    assert.throws(() => parseStageConfig(`${longest}x`, stage), (error: unknown) => {
      assert.ok(error instanceof StageConfigError);
      assert.deepEqual(error.issues.map((issue) => issue.key), ["fleet:targets[0].regions[1]"]);
      assert.match(error.issues[0]!.message, /ap-southeast-2 would be 65 characters, over Lambda's 64\. Fix: use a stack name of at most 16 characters/);
      return true;
    });
  });

  it("rejects CORS on a REST API, where the app answers preflights", () => {
    assertRejects({ ...validStage(), api: "rest", timeout: 10, cors: { origins: ["https://app.example.com"] } }, "fleet:cors", /api: http only/);
  });

  it("rejects a CORS origin with a path", () => {
    assertRejects({ ...validStage(), cors: { origins: ["https://app.example.com/x"] } }, "fleet:cors.origins[0]", /not an origin/);
  });

  it("rejects variable names Lambda or fleet own, and a name in both env and secrets", () => {
    assertRejects({ ...validStage(), env: { AWS_REGION: "x" } }, "fleet:env.AWS_REGION", /not a usable variable name/);
    assertRejects({ ...validStage(), secrets: { FLEET_STAGE: "x" } }, "fleet:secrets.FLEET_STAGE", /not a usable variable name/);
    assertRejects({ ...validStage(), env: { TOKEN: "a" }, secrets: { TOKEN: "b" } }, "fleet:secrets.TOKEN", /also set in fleet:env/);
  });

  it("rejects a domain whose zone account is not a target", () => {
    const targets = [(validStage().targets as unknown[])[0]];
    assertRejects({ ...validStage(), targets, domain: { name: "api.example.com", hostedZoneId: "Z123ABC", account: "999999999999" } }, "fleet:domain.account", /not one of the targets' accounts/);
    assertRejects({ ...validStage(), targets, domain: { name: "API example", hostedZoneId: "Z123ABC" } }, "fleet:domain.name", /host name/);
  });

  it("rejects a domain name longer than the 64 characters ACM accepts as a certificate's domain name", () => {
    const targets = [(validStage().targets as unknown[])[0]];
    const name = `${"a".repeat(53)}.example.com`;
    assert.equal(name.length, 65);
    assertRejects({ ...validStage(), targets, domain: { name, hostedZoneId: "Z123ABC" } }, "fleet:domain.name", /64 characters ACM accepts/);
    assert.equal(parseStageConfig("test", { ...validStage(), targets, domain: { name: name.slice(1), hostedZoneId: "Z123ABC" } }).domain?.name, name.slice(1));
  });

  it("rejects, with a domain, a region served by two accounts: each region has one host name of its own", () => {
    const issues = issuesOf({ ...validStage(), domain: { name: "api.example.com", hostedZoneId: "Z123ABC" } });
    assert.deepEqual(issues.map((issue) => issue.key), ["fleet:targets[0].regions[0]", "fleet:targets[1].regions[0]"], "both listings are named");
    assert.match(issues[0]!.message, /us-east-1 is also served by account 222222222222, and with fleet:domain each region has one host name \(us-east-1\.api\.example\.com\)\. Fix: /);
    assert.match(issues[1]!.message, /us-east-1 is also served by account 111111111111/);
    // Without a domain, two accounts may serve one region.
    assert.equal(parseStageConfig("test", validStage()).targets.length, 2);
  });

  it("accepts per-region releases only for the stage's own account/region keys", () => {
    const digest = `sha256:${"c".repeat(64)}`;
    assert.deepEqual(parseStageConfig("test", { ...validStage(), releases: { "111111111111/eu-west-1": digest } }).releases, { "111111111111/eu-west-1": digest });
    assertRejects({ ...validStage(), releases: { "111111111111/ap-south-1": digest } }, "fleet:releases.111111111111/ap-south-1", /not an "<account>\/<region>" of this stage's targets/);
    assertRejects({ ...validStage(), releases: { "111111111111/eu-west-1": "latest" } }, "fleet:releases.111111111111/eu-west-1", /sha256:<64 lowercase hex>/);
  });

  it("rejects an alarm email that is not an address", () => {
    assertRejects({ ...validStage(), alarms: { email: "oncall" } }, "fleet:alarms.email", /not an email address/);
  });

  describe("Lambda's 4 KB environment limit (the JSON of every variable, fleet's own included)", () => {
    /** A stage whose one variable makes the function's environment exactly `bytes` bytes of JSON. */
    function withEnvironmentOf(bytes: number, field: "env" | "secrets" = "env"): Record<string, unknown> {
      const release = `sha256:${"0".repeat(64)}`;
      const fixed = Buffer.byteLength(JSON.stringify({ BIG: "", FLEET_STAGE: "test", FLEET_RELEASE: release, FLEET_LOG_LEVEL: "info" }));
      return { ...validStage(), [field]: { BIG: "v".repeat(bytes - fixed) } };
    }

    it("accepts an environment of exactly 4,096 bytes and refuses 4,097, naming the size, the limit and the fix", () => {
      parseStageConfig("test", withEnvironmentOf(4096));
      assertRejects(withEnvironmentOf(4097), "fleet:env", /would be 4097 bytes \(the JSON of fleet:env, fleet:secrets and FLEET_STAGE, FLEET_RELEASE, FLEET_LOG_LEVEL\), over Lambda's 4096-byte limit.*by 1 bytes/);
    });

    it("counts secrets, and reports on fleet:secrets when they are most of it", () => {
      assertRejects(withEnvironmentOf(4097, "secrets"), "fleet:secrets", /over Lambda's 4096-byte limit/);
    });
  });

  describe("regions and roles of other partitions: refused, naming the partition", () => {
    for (const [region, partition] of [["us-gov-west-1", "aws-us-gov"], ["cn-north-1", "aws-cn"], ["cn-northwest-1", "aws-cn"], ["us-iso-east-1", "aws-iso"], ["us-isob-east-1", "aws-iso-b"], ["eu-isoe-west-1", "aws-iso-e"], ["us-isof-south-1", "aws-iso-f"], ["eusc-de-east-1", "aws-eusc"]]) {
      it(`${region}: partition ${partition} is not supported`, () => {
        const stage = validStage();
        (stage.targets as { regions: string[] }[])[0]!.regions = ["us-east-1", region!];
        assertRejects(stage, "fleet:targets[0].regions[1]", new RegExp(`^is a region of partition ${partition}: partition ${partition} is not supported.* \\(got "${region}"\\)\\. Fix: `));
      });
    }

    it("a deploy role in another partition: partition aws-us-gov is not supported", () => {
      const stage = validStage();
      (stage.targets as { roleArn: string }[])[0]!.roleArn = "arn:aws-us-gov:iam::111111111111:role/fleet-deploy";
      assertRejects(stage, "fleet:targets[0].roleArn", /is a role of another partition: partition aws-us-gov is not supported/);
    });

    it("a name of no partition is still 'not an AWS region'", () => {
      const stage = validStage();
      (stage.targets as { regions: string[] }[])[0]!.regions = ["mars-north-1"];
      assertRejects(stage, "fleet:targets[0].regions[0]", /^is not an AWS region \(got "mars-north-1"\)/);
    });
  });

  describe("variable names the prototype knows", () => {
    it("accepts a secret named constructor (regression: 'also set in fleet:env', found on Object.prototype)", () => {
      for (const name of ["constructor", "toString", "valueOf", "hasOwnProperty"]) {
        const config = parseStageConfig("test", { ...validStage(), env: { FEATURE: "on" }, secrets: { [name]: "[secret]" } });
        assert.deepEqual(Object.keys(config.secrets), [name]);
      }
    });

    it("still refuses a secret that really is also in fleet:env", () => {
      assertRejects({ ...validStage(), env: { constructor: "x" }, secrets: { constructor: "[secret]" } }, "fleet:secrets.constructor", /is also set in fleet:env/);
    });

    it("reports a variable named __proto__ (a record drops it, so it used to vanish silently)", () => {
      assertRejects({ ...validStage(), env: JSON.parse('{"FEATURE":"on","__proto__":"x"}') }, "fleet:env.__proto__", /is not a usable variable name/);
    });
  });

  it("reports every problem of a file at once", () => {
    const issues = issuesOf({ ...validStage(), memory: 1, logRetentionDays: 2, api: "soap" });
    assert.deepEqual(issues.map((issue) => issue.key).sort(), ["fleet:api", "fleet:logRetentionDays", "fleet:memory"]);
  });

  it("reports field errors and cross-key errors together (memory 100 and timeout 31 on an HTTP API)", () => {
    const issues = issuesOf({ ...validStage(), memory: 100, timeout: 31 });
    assert.deepEqual(issues.map((issue) => issue.key), ["fleet:memory", "fleet:timeout"]);
    assert.match(issues[1]!.message, /31 s exceeds the http API's integration timeout of 30 s/);
  });

  it("checks the valid fields of a broken target against the others: a bad account beside a duplicate region and a foreign role", () => {
    const stage = validStage();
    const targets = stage.targets as { account: string; roleArn: string; regions: string[] }[];
    targets[0]!.regions = ["us-east-1", "moon-1", "us-east-1"];
    targets[0]!.roleArn = "arn:aws:iam::999999999999:role/fleet-deploy";
    targets[1]!.account = "2222";
    assert.deepEqual(issuesOf(stage).map((issue) => issue.key), [
      "fleet:targets[0].regions[1]",
      "fleet:targets[1].account",
      "fleet:targets[0].roleArn",
      "fleet:targets[0].regions[2]",
    ]);
  });

  it("echoes the refused value as written, and the fix", () => {
    assert.deepEqual(issuesOf({ ...validStage(), memory: "100" }), [{ key: "fleet:memory", message: "is below Lambda's minimum of 128 MB (got \"100\"). Fix: use 128..10240 MB" }]);
    assert.deepEqual(issuesOf({ ...validStage(), api: "soap" }), [{ key: "fleet:api", message: 'must be rest or http (got "soap"). Fix: set fleet:api to rest (REST API, v1 events) or http (HTTP API, v2 events)' }]);
    const long = issuesOf({ ...validStage(), throttle: "x".repeat(500) })[0]!.message;
    assert.ok(long.length < 200, `a long value is cut: ${long}`);
  });

  it("never echoes the value of a secret", () => {
    const [issue] = issuesOf({ ...validStage(), secrets: { API_TOKEN: 123456789 } });
    assert.equal(issue!.key, "fleet:secrets.API_TOKEN");
    assert.doesNotMatch(issue!.message, /123456789/);
  });

  it("suggests the setting a mistyped key meant, at the top and inside objects", () => {
    assertRejects({ ...validStage(), memmory: 1024 }, "fleet:memmory", /is not a fleet setting \(did you mean 'memory'\?\)/);
    const stage = validStage();
    (stage.targets as Record<string, unknown>[])[0]!.regoins = ["us-east-1"];
    const issues = issuesOf(stage);
    assert.equal(issues.find((issue) => issue.key === "fleet:targets[0].regoins")?.message.includes("(did you mean 'regions'?)"), true, JSON.stringify(issues));
    assertRejects({ ...validStage(), alarms: { emial: "a@b.co" } }, "fleet:alarms.emial", /did you mean 'email'/);
  });
  describe("fleet:rollout", () => {
    const rollout = (value: Record<string, unknown>) => ({ ...validStage(), rollout: value });

    it("reads waves as counts and percentages, durations with their unit, canary steps and maxConcurrent (strings too, as pulumi config set writes them)", () => {
      const config = parseStageConfig("test", rollout({ waves: [1, "2", "50%", "100%"], bake: "5m", canary: ["10", 50], maxConcurrent: "2" }));
      assert.deepEqual(config.rollout, { waves: [{ count: 1 }, { count: 2 }, { percent: 50 }, { percent: 100 }], bake: 300_000, canary: [10, 50], maxConcurrent: 2 });
      assert.equal(parseStageConfig("test", rollout({ bake: "30s" })).rollout.bake, 30_000);
      assert.equal(parseStageConfig("test", rollout({ bake: "1h" })).rollout.bake, 3_600_000);
      assert.equal(parseStageConfig("test", rollout({ bake: "250ms" })).rollout.bake, 250);
    });

    it("rejects a wave that is neither a count nor a percentage", () => {
      for (const wave of ["half", 0, "0%", "101%", "12.5%", -1, 1.5, null]) {
        assertRejects(rollout({ waves: [wave, "100%"] }), "fleet:rollout.waves[0]", /a number of account × regions \(e\.g\. 1\) or a whole percentage/);
      }
    });

    it("rejects waves that do not end at 100%", () => {
      assertRejects(rollout({ waves: [1, "50%"] }), "fleet:rollout.waves[1]", /the last wave is 50%, so some regions would never change\. Fix: end the waves at 100%/);
      assertRejects(rollout({ waves: [] }), "fleet:rollout.waves", /is empty/);
    });

    it("rejects waves that do not grow, naming the wave", () => {
      assertRejects(rollout({ waves: [2, 2, "100%"] }), "fleet:rollout.waves[1]", /2 is not more than the wave before \(2\)/);
      assertRejects(rollout({ waves: [1, "50%", "25%", "100%"] }), "fleet:rollout.waves[2]", /25% is not more than the wave before \(50%\)/);
      assertRejects(rollout({ waves: ["50%", 2, "100%"] }), "fleet:rollout.waves[1]", /2 comes after 50%: counts of regions go first, then percentages/);
    });

    it("rejects a count larger than the stage's account × regions", () => {
      assertRejects(rollout({ waves: [4, "100%"] }), "fleet:rollout.waves[0]", /4 regions is more than the stage's 3 account × regions\. Fix: use at most 3/);
      assert.deepEqual(parseStageConfig("test", rollout({ waves: [3, "100%"] })).rollout.waves, [{ count: 3 }, { percent: 100 }]);
    });

    it("rejects a bake without a unit, or longer than 1h", () => {
      assertRejects(rollout({ bake: 30 }), "fleet:rollout.bake", /a duration with its unit.*Fix: e\.g\. bake: 5m/);
      assertRejects(rollout({ bake: "5 minutes" }), "fleet:rollout.bake", /a duration with its unit/);
      assertRejects(rollout({ bake: "61m" }), "fleet:rollout.bake", /longer than 1h/);
    });

    it("rejects canary steps outside 1..99 or not strictly increasing", () => {
      assertRejects(rollout({ canary: [0] }), "fleet:rollout.canary[0]", /at least 1/);
      assertRejects(rollout({ canary: [10, 100] }), "fleet:rollout.canary[1]", /below 100/);
      assertRejects(rollout({ canary: [10, 12.5] }), "fleet:rollout.canary[1]", /whole percentage/);
      assertRejects(rollout({ canary: [50, 10] }), "fleet:rollout.canary[1]", /10% is not more than the step before \(50%\)/);
      assertRejects(rollout({ canary: "10" }), "fleet:rollout.canary", /a list of percentages/);
    });

    it("rejects maxConcurrent below 1, and unknown rollout keys", () => {
      assertRejects(rollout({ maxConcurrent: 0 }), "fleet:rollout.maxConcurrent", /at least 1/);
      assertRejects(rollout({ wave: [1, "100%"] }), "fleet:rollout.wave", /is not a fleet setting/);
    });
  });

  describe("fleet:alarms periods", () => {
    it("accepts the periods CloudWatch accepts and refuses the others", () => {
      for (const period of [10, 20, 30, 60, 120, "300"]) assert.equal(parseStageConfig("test", { ...validStage(), alarms: { period } }).alarms.period, Number(period));
      for (const period of [0, 5, 15, 45, 90]) assertRejects({ ...validStage(), alarms: { period } }, "fleet:alarms.period", /10, 20, 30 or a multiple of 60/);
    });

    it("rejects more datapoints to alarm than evaluation periods", () => {
      assertRejects({ ...validStage(), alarms: { evaluationPeriods: 1 } }, "fleet:alarms.datapointsToAlarm", /2 breaching datapoints cannot come out of 1 evaluation period/);
      assert.deepEqual(parseStageConfig("test", { ...validStage(), alarms: { period: 10, evaluationPeriods: 1, datapointsToAlarm: 1 } }).alarms, { p99LatencyMs: 2000, errorRate: 0.05, period: 10, evaluationPeriods: 1, datapointsToAlarm: 1 });
    });

    it("rejects an evaluation window longer than CloudWatch's one day", () => {
      assertRejects({ ...validStage(), alarms: { period: 3600, evaluationPeriods: 25 } }, "fleet:alarms.evaluationPeriods", /more than the one day CloudWatch evaluates\. Fix: use at most 24 periods/);
    });
  });

  describe("fleet:traffic (written by fleet per canary step)", () => {
    const stable = `sha256:${"d".repeat(64)}`;
    it("reads a region's step: the stable version and release, and the canary's weight", () => {
      const traffic = parseStageConfig("test", { ...validStage(), traffic: { "111111111111/eu-west-1": { stableVersion: 7, stableRelease: stable, canaryWeight: "10" } } }).traffic;
      assert.deepEqual(traffic, { "111111111111/eu-west-1": { stableVersion: "7", stableRelease: stable, canaryWeight: 10 } });
    });

    it("rejects an entry for a region the stage does not have, a bad version, release or weight", () => {
      assertRejects({ ...validStage(), traffic: { "111111111111/ap-south-1": { stableVersion: "7", stableRelease: stable, canaryWeight: 10 } } }, "fleet:traffic.111111111111/ap-south-1", /not an "<account>\/<region>" of this stage's targets/);
      assertRejects({ ...validStage(), traffic: { "111111111111/eu-west-1": { stableVersion: "$LATEST", stableRelease: stable, canaryWeight: 10 } } }, "fleet:traffic.111111111111/eu-west-1.stableVersion", /published Lambda version number/);
      assertRejects({ ...validStage(), traffic: { "111111111111/eu-west-1": { stableVersion: "7", stableRelease: "latest", canaryWeight: 10 } } }, "fleet:traffic.111111111111/eu-west-1.stableRelease", /sha256:<64 lowercase hex>/);
      assertRejects({ ...validStage(), traffic: { "111111111111/eu-west-1": { stableVersion: "7", stableRelease: stable, canaryWeight: 100 } } }, "fleet:traffic.111111111111/eu-west-1.canaryWeight", /0\.\.99/);
    });
  });

});
