import { z } from "zod";
import { valueAt, withValue } from "./config-issues";
import { didYouMean } from "./did-you-mean";
import { parseDuration } from "./duration";
import { functionLogicalName, maxFunctionLogicalNameLength } from "./naming";
import { environmentBytes, functionEnv, lambdaEnvironmentLimitBytes } from "./function-env";
import { isAwsRegion, otherPartitionOf, partitionNotSupported } from "./regions";

/**
 * The stage configuration: every `fleet:` key of `Pulumi.<stack>.yaml`, parsed once with zod.
 * Used by the Pulumi program (stacks/stage-config.ts, from `pulumi.Config`) and offline by `fleet check`
 * (stacks/stage-file.ts, from the YAML file), so both give the same answer and the same messages.
 * This module imports neither Pulumi nor AWS: checking a stage must stay instant.
 */

/** API Gateway's integration timeout per API kind, in seconds: a longer Lambda timeout is cut off anyway. */
export const integrationTimeoutLimit = { rest: 29, http: 30 } as const;

/** The retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const logRetentionValues = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Versions that hold provisioned concurrency while `live` moves from one to the other (the old one until the move). */
export const versionsWarmDuringAMove = 2;

/** The provisioned concurrency a function holds at most: on both versions during a move. */
export function provisionedDuringAMove(provisioned: number): number {
  return provisioned * versionsWarmDuringAMove;
}

/** What an offline read (`readStageFile`) puts in place of a `secure:` value it cannot decrypt. */
export const SECRET_PLACEHOLDER = "[secret]";

const accountPattern = /^\d{12}$/;
/** An IAM role ARN; group 1 is its account. */
export const roleArnPattern = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const envNamePattern = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Lambda and fleet own these: a stage variable must not shadow them. */
const reservedEnvPrefixes = ["AWS_", "LAMBDA_", "FLEET_", "_"];
const hostnamePattern = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const originPattern = /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/;

/** Accepts `"1024"` as well as `1024`: `pulumi config set fleet:memory 1024` writes a string. */
function numeric<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value), schema);
}

/** Accepts `"true"`/`"false"` as well as booleans, for the same reason as `numeric`. */
function flag(message: string) {
  return z.preprocess((value) => (value === "true" ? true : value === "false" ? false : value), z.boolean(message));
}

/** The periods CloudWatch accepts for an alarm (PutMetricAlarm `Period`): 10, 20, 30 or a multiple of 60 seconds. */
export function isAlarmPeriod(seconds: number): boolean {
  return seconds === 10 || seconds === 20 || seconds === 30 || (seconds > 0 && seconds % 60 === 0);
}

/** CloudWatch caps an alarm's whole evaluation window (`Period` × `EvaluationPeriods`) at one day. */
export const maxAlarmWindowSeconds = 86_400;

/** The longest bake fleet waits after a wave or a canary step. */
export const maxBakeMs = 3_600_000;

/** How far one wave reaches: a number of the stage's account × regions, or a percentage of them (cumulative). */
export type WaveSize = { count: number } | { percent: number };

/** `1` or `"1"` → `{ count: 1 }`, `"25%"` → `{ percent: 25 }`. */
const WaveSize = z.unknown().transform((value, ctx): WaveSize => {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (/^\d{1,6}$/.test(text) && Number(text) >= 1) return { count: Number(text) };
  const percent = /^(\d{1,3})%$/.exec(text);
  if (percent && Number(percent[1]) >= 1 && Number(percent[1]) <= 100) return { percent: Number(percent[1]) };
  ctx.addIssue({
    code: "custom",
    message: "must be a number of account × regions (e.g. 1) or a whole percentage of them (e.g. 25%). Fix: e.g. waves: [1, 25%, 100%]",
  });
  return z.NEVER;
});

/** `30s`, `5m`, `1h` (or `250ms`) → milliseconds. */
const Duration = z.unknown().transform((value, ctx): number => {
  const ms = typeof value === "string" ? parseDuration(value) : undefined;
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: "must be a duration with its unit: a whole number and ms, s, m or h. Fix: e.g. bake: 5m (or 30s)" });
    return z.NEVER;
  }
  return ms;
});

/** A 12-digit AWS account id, written as a quoted string. */
export const AccountId = z
  .string("must be the 12-digit AWS account id as a quoted string. Fix: write it in quotes, e.g. account: \"123456789012\"")
  .regex(accountPattern, "must be exactly 12 digits. Fix: copy the account id from the AWS console (quoted, leading zeros kept)");

/** One AWS account of the stage and the regions it serves. */
export const Target = z.strictObject({
  /** The 12-digit account id; providers refuse to act in any other account. */
  account: AccountId,
  /** The deploy role Pulumi assumes in that account (see README "Bootstrap"). */
  roleArn: z.string("must be an IAM role ARN. Fix: set it to arn:aws:iam::<account>:role/<name>").superRefine((arn, context) => {
    const partition = /^arn:([\w-]+):iam::/.exec(arn)?.[1];
    if (partition !== undefined && partition !== "aws") context.addIssue({ code: "custom", message: `is a role of another partition: ${partitionNotSupported(partition)}` });
    else if (!roleArnPattern.test(arn)) context.addIssue({ code: "custom", message: "is not an IAM role ARN. Fix: use the form arn:aws:iam::<account>:role/<name>" });
  }),
  /** AWS regions, each deployed once in this account. */
  regions: z
    .array(
      z.string("must be a region name. Fix: write e.g. us-east-1").superRefine((region, context) => {
        if (isAwsRegion(region)) return;
        const partition = otherPartitionOf(region);
        context.addIssue({
          code: "custom",
          message: partition ? `is a region of partition ${partition}: ${partitionNotSupported(partition)}` : "is not an AWS region. Fix: use a region name such as us-east-1 or eu-west-1",
        });
      }),
      "must be a list of region names. Fix: write e.g. regions: [us-east-1, eu-west-1]",
    )
    .min(1, "lists no region. Fix: add at least one region, e.g. us-east-1"),
});
export type Target = z.infer<typeof Target>;

/** The whole `fleet:` namespace of one stack. */
export const StageConfig = z.strictObject({
  /** Accounts and regions to deploy to: one regional API per account × region. */
  targets: z
    .array(Target, "must be a list of { account, roleArn, regions }. Fix: see README \"Configuration reference\"")
    .min(1, "is empty. Fix: add at least one { account, roleArn, regions } target"),
  /** API Gateway flavour in front of the function. @default "http" */
  api: z.enum(["rest", "http"], "must be rest or http. Fix: set fleet:api to rest (REST API, v1 events) or http (HTTP API, v2 events)").default("http"),
  /** Lambda memory in MB. @default 512 */
  memory: numeric(
    z
      .number("must be a number of MB. Fix: set e.g. fleet:memory: 1024")
      .int("must be a whole number of MB. Fix: e.g. 1024")
      .min(128, "is below Lambda's minimum of 128 MB. Fix: use 128..10240 MB")
      .max(10240, "is above Lambda's maximum of 10240 MB. Fix: use 128..10240 MB"),
  ).default(512),
  /** Lambda timeout in seconds; at most the API's integration timeout (29 s REST, 30 s HTTP). @default 10 */
  timeout: numeric(
    z.number("must be a number of seconds. Fix: set e.g. fleet:timeout: 10").int("must be whole seconds. Fix: e.g. 10").min(1, "must be at least 1 second. Fix: e.g. 10"),
  ).default(10),
  /** Lambda CPU architecture. @default "arm64" */
  architecture: z.enum(["arm64", "x86_64"], "must be arm64 or x86_64. Fix: set fleet:architecture: arm64").default("arm64"),
  /** Concurrency reserved for the function in each region; unset = the account's unreserved pool. */
  reservedConcurrency: numeric(z.number("must be a number. Fix: e.g. 100").int("must be a whole number. Fix: e.g. 100").min(1, "must be at least 1 (0 would stop the function). Fix: remove it or use a positive number")).optional(),
  /** Provisioned concurrency on the `live` alias in each region; unset = none. */
  provisionedConcurrency: numeric(z.number("must be a number. Fix: e.g. 2").int("must be a whole number. Fix: e.g. 2").min(1, "must be at least 1. Fix: remove it or use a positive number")).optional(),
  /**
   * Releases per region whose Lambda versions are kept after a rollout: the last N the ledger shows the region
   * served, which `fleet rollback` can go back to; older versions are deleted, never one an alias or a canary
   * points at or that has provisioned concurrency. @default 10
   */
  keepVersions: numeric(z.number("must be a number of releases. Fix: e.g. 10").int("must be a whole number. Fix: e.g. 10").min(1, "must be at least 1 (the release live now). Fix: e.g. 10")).default(10),
  /** Days CloudWatch keeps the function's and the API's logs. @default 14 */
  logRetentionDays: numeric(
    z.number("must be a number of days. Fix: e.g. 14").refine((days) => (logRetentionValues as readonly number[]).includes(days), {
      message: `is not a retention CloudWatch accepts. Fix: use one of ${logRetentionValues.join(", ")}`,
    }),
  ).default(14),
  /** FLEET_LOG_LEVEL of the app. @default "info" */
  logLevel: z.enum(["debug", "info", "warn", "error"], "must be debug, info, warn or error. Fix: e.g. fleet:logLevel: info").default("info"),
  /** X-Ray tracing on the function and the API stage. @default false */
  tracing: flag("must be true or false. Fix: e.g. fleet:tracing: true").default(false),
  /** Stage-wide throttling of each regional API. @default { rate: 1000, burst: 2000 } */
  throttle: z
    .strictObject(
      {
        /** Steady requests per second. */
        rate: numeric(z.number("must be requests per second. Fix: e.g. rate: 1000").positive("must be above 0. Fix: e.g. rate: 1000")),
        /** Bucket size for bursts. */
        burst: numeric(z.number("must be a number of requests. Fix: e.g. burst: 2000").int("must be a whole number. Fix: e.g. burst: 2000").positive("must be above 0. Fix: e.g. burst: 2000")),
      },
      "must be { rate, burst }. Fix: e.g. throttle: { rate: 1000, burst: 2000 }",
    )
    .default({ rate: 1000, burst: 2000 }),
  /** Browser origins allowed by the HTTP API's CORS (api: http only; a REST proxy leaves CORS to the app). */
  cors: z
    .strictObject(
      {
        origins: z
          .array(z.string().regex(originPattern, "is not an origin. Fix: use * or scheme://host[:port] without a path, e.g. https://app.example.com"))
          .min(1, "is empty. Fix: list at least one origin or remove fleet:cors"),
      },
      "must be { origins: [...] }. Fix: e.g. cors: { origins: [https://app.example.com] }",
    )
    .optional(),
  /** Plain environment variables of the function (visible in outputs and the console). @default {} */
  env: z.record(z.string(), z.string("must be a string. Fix: quote the value"), "must be a map of NAME: value. Fix: e.g. env: { FEATURE_X: \"on\" }").default({}),
  /**
   * Secret environment variables: each value set with `pulumi config set --secret --path 'fleet:secrets.NAME' …`,
   * stored encrypted in the stack file, in the state and in the Lambda environment. @default {}
   */
  secrets: z.record(z.string(), z.string("must be a secret string. Fix: pulumi config set --secret --path 'fleet:secrets.NAME' <value>")).default({}),
  /** The code: `build` builds the working tree at `pulumi up`; `sha256:<hex>` deploys that release. @default "build" */
  release: z
    .string("must be build or sha256:<digest>. Fix: pulumi config set fleet:release sha256:<digest of a stored release>")
    .regex(/^(build|sha256:[0-9a-f]{64})$/, "must be build or sha256:<64 lowercase hex>. Fix: pulumi config set fleet:release sha256:<digest of a stored release>")
    .default("build"),
  /**
   * Per-region override of `release` during a wave: `"<account>/<region>"` → `sha256:<hex>`. Written and removed
   * by `fleet deploy`/`promote`/`rollback`; regions not listed run `release`. @default {}
   */
  releases: z
    .record(
      z.string(),
      z.string().regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 lowercase hex>. Fix: name a stored release, or remove the entry to use fleet:release"),
      "must be a map of \"<account>/<region>\": sha256:<hex>. Fix: let fleet deploy/promote manage it, or remove it",
    )
    .default({}),
  /**
   * How a deploy, promote or rollback moves through the stage (rollout/waves.ts reads it). `waves`: how far each
   * wave reaches, cumulative, as a count of account × regions or a percentage of them, ending at 100%; `bake`: how
   * long fleet watches the regions' alarms and repeats the probes after each wave and each canary step; `canary`:
   * the percentages of a region's traffic its new release takes, step by step, before it takes all;
   * `maxConcurrent`: regions changed at once within a wave. @default { waves: [1, 100%], bake: 0s, canary: [] }
   */
  rollout: z
    .strictObject(
      {
        waves: z
          .array(WaveSize, "must be a list of counts or percentages. Fix: e.g. waves: [1, 25%, 100%]")
          .min(1, "is empty. Fix: e.g. waves: [1, 100%]")
          .default([{ count: 1 }, { percent: 100 }]),
        bake: Duration.default(0),
        canary: z
          .array(
            numeric(
              z
                .number("must be a whole percentage of traffic. Fix: e.g. canary: [10, 50]")
                .int("must be a whole percentage. Fix: e.g. canary: [10, 50]")
                .min(1, "must be at least 1 (percent of traffic). Fix: use 1..99, e.g. canary: [10, 50]")
                .max(99, "must be below 100: the new release takes all traffic after the last step anyway. Fix: use 1..99, e.g. canary: [10, 50]"),
            ),
            "must be a list of percentages. Fix: e.g. canary: [10, 50]",
          )
          .default([]),
        maxConcurrent: numeric(
          z.number("must be a number of regions. Fix: e.g. maxConcurrent: 4").int("must be a whole number. Fix: e.g. maxConcurrent: 4").min(1, "must be at least 1. Fix: e.g. maxConcurrent: 4"),
        ).optional(),
      },
      "must be { waves?, bake?, canary?, maxConcurrent? }. Fix: e.g. rollout: { waves: [1, 50%, 100%], bake: 5m, canary: [10] }",
    )
    .default({ waves: [{ count: 1 }, { percent: 100 }], bake: 0, canary: [] }),
  /**
   * Per region, a canary step in flight: the `live` alias keeps version `stableVersion` (release `stableRelease`)
   * and sends `canaryWeight` percent of requests to the version the region's release just published. Written and
   * removed by `fleet deploy`/`promote`/`rollback`; a region not listed serves its release alone. @default {}
   */
  traffic: z
    .record(
      z.string(),
      z.strictObject(
        {
          stableVersion: z
            .union([z.string(), z.number()], "must be a Lambda version number. Fix: let fleet manage fleet:traffic, or remove the entry")
            .transform(String)
            .refine((version) => /^[1-9]\d{0,9}$/.test(version), "must be a published Lambda version number, e.g. \"7\". Fix: let fleet manage fleet:traffic, or remove the entry"),
          stableRelease: z.string("must be sha256:<64 lowercase hex>. Fix: let fleet manage fleet:traffic, or remove the entry").regex(/^sha256:[0-9a-f]{64}$/, "must be sha256:<64 lowercase hex>. Fix: let fleet manage fleet:traffic, or remove the entry"),
          canaryWeight: numeric(
            z.number("must be a percentage. Fix: let fleet manage fleet:traffic, or remove the entry").int("must be a whole percentage. Fix: use 0..99").min(0, "must be 0..99. Fix: use 0..99").max(99, "must be 0..99 (100 is the new release alone: remove the entry). Fix: use 0..99"),
          ),
        },
        "must be { stableVersion, stableRelease, canaryWeight }. Fix: let fleet deploy/promote manage it, or remove the entry",
      ),
      "must be a map of \"<account>/<region>\": { stableVersion, stableRelease, canaryWeight }. Fix: let fleet deploy/promote manage it, or remove it",
    )
    .default({}),
  /** Refuse `release: build`: the stage only ever runs stored, reviewed releases. @default false */
  requireRelease: flag("must be true or false. Fix: e.g. fleet:requireRelease: true").default(false),
  /** A global domain routed by latency to the nearest healthy region; unset = regional URLs only. */
  domain: z
    .strictObject(
      {
        /** The global host name, e.g. api.example.com. */
        name: z
          .string()
          .regex(hostnamePattern, "is not a lowercase host name. Fix: e.g. api.example.com")
          // ACM caps a certificate's first name (the global one here; the regional names are SANs) at 64 characters.
          .max(64, "is longer than the 64 characters ACM accepts as a certificate's domain name. Fix: use a name of at most 64 characters"),
        /** The Route53 public hosted zone holding `name`. */
        hostedZoneId: z.string().regex(/^Z[A-Z0-9]{1,32}$/, "is not a Route53 hosted zone id. Fix: copy it from Route53, e.g. Z0123456789ABCDEFGHIJ"),
        /** The target account that owns the hosted zone. @default the first target's account */
        account: AccountId.optional(),
      },
      "must be { name, hostedZoneId }. Fix: e.g. domain: { name: api.example.com, hostedZoneId: Z0123456789ABC }",
    )
    .optional(),
  /** CloudWatch alarms per region (always created); `email` subscribes an address to them. */
  alarms: z
    .strictObject(
      {
        /** Where alarm notifications go (SNS email subscription; the address must confirm once per region). */
        email: z.email("is not an email address. Fix: e.g. email: oncall@example.com").optional(),
        /** p99 latency of the API above which the latency alarm fires, in ms. @default 2000 */
        p99LatencyMs: numeric(z.number().int().positive("must be above 0. Fix: e.g. p99LatencyMs: 2000")).default(2000),
        /** Share of requests answered 5xx (0..1) above which the 5xx alarm fires. @default 0.05 */
        errorRate: numeric(z.number().gt(0, "must be above 0. Fix: e.g. errorRate: 0.05").max(1, "is a share of requests, at most 1. Fix: e.g. errorRate: 0.05")).default(0.05),
        /** Seconds each datapoint covers: 10, 20, 30 or a multiple of 60 (what CloudWatch accepts). @default 60 */
        period: numeric(
          z
            .number("must be a number of seconds. Fix: e.g. period: 60")
            .refine(isAlarmPeriod, "is not a period CloudWatch accepts. Fix: use 10, 20, 30 or a multiple of 60 seconds, e.g. period: 60"),
        ).default(60),
        /** How many of the latest periods an alarm looks at. @default 3 */
        evaluationPeriods: numeric(z.number("must be a number of periods. Fix: e.g. evaluationPeriods: 3").int("must be a whole number. Fix: e.g. 3").min(1, "must be at least 1. Fix: e.g. evaluationPeriods: 3")).default(3),
        /** How many of those must breach for the alarm to fire (M of N). @default 2 */
        datapointsToAlarm: numeric(z.number("must be a number of periods. Fix: e.g. datapointsToAlarm: 2").int("must be a whole number. Fix: e.g. 2").min(1, "must be at least 1. Fix: e.g. datapointsToAlarm: 2")).default(2),
      },
      "must be { email?, p99LatencyMs?, errorRate?, period?, evaluationPeriods?, datapointsToAlarm? }. Fix: e.g. alarms: { email: oncall@example.com }",
    )
    .default({ p99LatencyMs: 2000, errorRate: 0.05, period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 }),
});

/** The stage configuration after validation and defaults. */
export type StageConfig = z.infer<typeof StageConfig>;
/** The keys of the `fleet:` namespace (for docs and the README check). */
export const stageConfigKeys = Object.keys(StageConfig.shape) as (keyof StageConfig)[];

/** One problem in a stage configuration. */
export interface StageConfigIssue {
  /** Full key path as a user writes it, e.g. `fleet:targets[1].regions[0]`. */
  key: string;
  /** What is wrong and the fix. */
  message: string;
}

/** A stage configuration that must be fixed before anything is deployed. Names the stack, each key and the fix. */
export class StageConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly issues: StageConfigIssue[],
  ) {
    super(`stack "${stackName}": invalid configuration in Pulumi.${stackName}.yaml\n${issues.map((issue) => `  ${issue.key}: ${issue.message}`).join("\n")}`);
    this.name = "StageConfigError";
  }
}

/** `["targets", 1, "regions", 0]` → `fleet:targets[1].regions[0]` (or under another project's namespace). */
export function keyPath(path: readonly PropertyKey[], namespace = "fleet"): string {
  let key = `${namespace}:`;
  path.forEach((segment, index) => {
    if (typeof segment === "number") key += `[${segment}]`;
    else key += index === 0 ? String(segment) : `.${String(segment)}`;
  });
  return key;
}

/** A configuration namespace as its issues name it: its keys' prefix, its schema, the README section of its keys. */
export interface ConfigNamespace {
  namespace: string;
  schema: z.ZodObject;
  reference: string;
}

const fleetNamespace: ConfigNamespace = { namespace: "fleet", schema: StageConfig, reference: "Configuration reference" };

/**
 * Each zod issue as the user's key, with the value refused (never a secret's: under `pulumi up` they are
 * decrypted) and, for a mistyped key, the closest setting of that object; every message ends with a fix (zod's
 * generic ones point at the README section of the keys).
 */
export function configIssues(error: z.ZodError, raw: Record<string, unknown>, space: ConfigNamespace = fleetNamespace): StageConfigIssue[] {
  const withFix = (message: string) => (/Fix:/.test(message) ? message : `${message}. Fix: see README "${space.reference}" for this key`);
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      const known = objectKeysAt(space.schema, issue.path);
      return issue.keys.map((name) => ({
        key: keyPath([...issue.path, name], space.namespace),
        message: `is not a ${space.namespace} setting${didYouMean(name, known)}. Fix: check the spelling or remove it (README "${space.reference}" lists every key)`,
      }));
    }
    // "is empty" says the value already; a secret's is never shown.
    const quiet = issue.path[0] === "secrets" || (issue.code === "too_small" && issue.origin === "array");
    return [{ key: keyPath(issue.path, space.namespace), message: quiet ? withFix(issue.message) : withValue(withFix(issue.message), valueAt(raw, issue.path)) }];
  });
}

/** The keys the object schema at `path` of `root` accepts (for "did you mean"). */
function objectKeysAt(root: z.ZodType, path: readonly PropertyKey[]): string[] {
  let schema = unwrap(root);
  for (const segment of path) {
    if (schema instanceof z.ZodArray && typeof segment === "number") schema = unwrap(schema.element as z.ZodType);
    else if (schema instanceof z.ZodObject && typeof segment === "string") schema = unwrap(schema.shape[segment] as z.ZodType);
    else return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** The schema inside defaults, optionals and `numeric`/`flag` preprocessing. */
function unwrap(schema: z.ZodType): z.ZodType {
  let inner: z.ZodType = schema;
  for (;;) {
    if (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    else if (inner instanceof z.ZodPipe) inner = inner.out as z.ZodType;
    else return inner;
  }
}

/**
 * The parts of a configuration that are valid on their own: every top-level key that parses (defaults applied),
 * and each target's fields that parse, at their indexes (`undefined` where they do not). What the cross-key rules
 * check when some field is wrong, so a file's field and cross-key errors are all reported at once.
 */
type ValidParts = Partial<Omit<StageConfig, "targets">> & { targets?: PartialTarget[] };
type PartialTarget = { account?: string; roleArn?: string; regions: (string | undefined)[] };

function validParts(raw: Record<string, unknown>): ValidParts {
  const parts: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(StageConfig.shape)) {
    const parsed = (schema as z.ZodType).safeParse(raw[key]);
    if (parsed.success) parts[key] = parsed.data;
  }
  return {
    ...parts,
    targets: (Array.isArray(raw.targets) ? raw.targets : undefined)?.map((target) => {
      const fields = (target ?? {}) as Record<string, unknown>;
      const regions = Array.isArray(fields.regions) ? fields.regions : [];
      const region = Target.shape.regions.element;
      return { account: Target.shape.account.safeParse(fields.account).data, roleArn: Target.shape.roleArn.safeParse(fields.roleArn).data, regions: regions.map((r) => region.safeParse(r).data) };
    }),
  };
}

/**
 * Rules across keys, each reported on the key the user has to change; a rule whose inputs are invalid is skipped.
 * Variable names are read from `raw`, as written: zod's records drop a `__proto__` key, which must still be reported.
 */
function crossFieldIssues(config: ValidParts, raw: Record<string, unknown>): StageConfigIssue[] {
  const issues: StageConfigIssue[] = [];
  const regionsByAccount = new Map<string, Set<string>>();
  config.targets?.forEach((target, t) => {
    const { account, roleArn } = target;
    if (account === undefined) return;
    const roleAccount = roleArn === undefined ? account : roleArnPattern.exec(roleArn)?.[1];
    if (roleAccount !== account) {
      issues.push({
        key: keyPath(["targets", t, "roleArn"]),
        message: `is a role in account ${roleAccount}, not in ${account}. Fix: use the deploy role of account ${account}`,
      });
    }
    const seen = regionsByAccount.get(account) ?? new Set<string>();
    regionsByAccount.set(account, seen);
    target.regions.forEach((region, r) => {
      if (region === undefined) return;
      if (seen.has(region)) {
        issues.push({ key: keyPath(["targets", t, "regions", r]), message: `${region} is listed twice for account ${account}. Fix: remove the duplicate` });
      }
      seen.add(region);
    });
  });
  if (config.timeout !== undefined && config.api !== undefined && config.timeout > integrationTimeoutLimit[config.api]) {
    const limit = integrationTimeoutLimit[config.api];
    issues.push({ key: "fleet:timeout", message: `${config.timeout} s exceeds the ${config.api} API's integration timeout of ${limit} s. Fix: set fleet:timeout to ${limit} or less` });
  }
  // Provisioned concurrency counts against the function's reserved concurrency, and while `live` moves to a new
  // version both versions hold it (stacks/components/function.ts).
  if (config.provisionedConcurrency !== undefined && config.reservedConcurrency !== undefined && provisionedDuringAMove(config.provisionedConcurrency) > config.reservedConcurrency) {
    issues.push({
      key: "fleet:provisionedConcurrency",
      message:
        `${config.provisionedConcurrency} on each of the two versions that hold it while live moves (${provisionedDuringAMove(config.provisionedConcurrency)}) exceeds fleet:reservedConcurrency (${config.reservedConcurrency}). ` +
        `Fix: lower it to at most ${Math.floor(config.reservedConcurrency / versionsWarmDuringAMove)} or raise reservedConcurrency to at least ${provisionedDuringAMove(config.provisionedConcurrency)}`,
    });
  }
  if (config.cors && config.api === "rest") {
    issues.push({ key: "fleet:cors", message: "applies to api: http only; a REST proxy passes OPTIONS to the app. Fix: remove fleet:cors or set fleet:api: http" });
  }
  if (config.requireRelease && config.release === "build") {
    issues.push({
      key: "fleet:release",
      message: "this stage sets requireRelease: true, so it never builds from the working tree. Fix: pulumi config set fleet:release sha256:<digest> (a stored release)",
    });
  }
  for (const field of ["env", "secrets"] as const) {
    const given = raw[field];
    for (const name of typeof given === "object" && given !== null ? Object.keys(given) : []) {
      if (!envNamePattern.test(name) || reservedEnvPrefixes.some((prefix) => name.startsWith(prefix))) {
        issues.push({
          key: keyPath([field, name]),
          message: `is not a usable variable name (letters, digits, _; not starting with ${reservedEnvPrefixes.join(", ")}). Fix: rename it`,
        });
      } else if (field === "secrets" && config.env && Object.hasOwn(config.env, name)) {
        issues.push({ key: keyPath([field, name]), message: "is also set in fleet:env. Fix: keep it in one of the two" });
      }
    }
  }
  // Rules about the targets' accounts as a whole hold only when every target's account was read.
  if (config.targets?.length && config.targets.every((target) => target.account !== undefined)) {
    for (const key of Object.keys(config.releases ?? {})) {
      const [account, region] = key.split("/");
      if (!account || !region || !regionsByAccount.get(account)?.has(region)) {
        issues.push({ key: keyPath(["releases", key]), message: "is not an \"<account>/<region>\" of this stage's targets. Fix: remove the entry or correct the key" });
      }
    }
    for (const key of Object.keys(config.traffic ?? {})) {
      const [account, region] = key.split("/");
      if (!account || !region || !regionsByAccount.get(account)?.has(region)) {
        issues.push({ key: keyPath(["traffic", key]), message: "is not an \"<account>/<region>\" of this stage's targets. Fix: remove the entry or correct the key" });
      }
    }
    if (config.domain?.account !== undefined && !regionsByAccount.has(config.domain.account)) {
      issues.push({ key: "fleet:domain.account", message: `${config.domain.account} is not one of the targets' accounts. Fix: use the target account that owns the hosted zone` });
    }
    if (config.domain) issues.push(...regionalHostIssues(config.targets, config.domain.name));
  }
  if (config.rollout) {
    // The stage's size counts only when every region was read: a count is judged against it.
    const complete = config.targets?.length && config.targets.every((target) => target.regions.every((region) => region !== undefined));
    issues.push(...rolloutIssues(config.rollout, complete ? config.targets!.reduce((sum, target) => sum + target.regions.length, 0) : undefined));
  }
  if (config.alarms) issues.push(...alarmWindowIssues(config.alarms));
  return issues;
}

/**
 * `fleet:rollout`: waves strictly increasing as written (counts among counts, percentages among percentages, the
 * counts first, since a count and a percentage only compare once the stage's size is known), a count no larger than
 * the stage (`size`, when known), the last wave 100%; canary steps strictly increasing; a bake of at most 1h.
 */
function rolloutIssues(rollout: StageConfig["rollout"], size: number | undefined): StageConfigIssue[] {
  const issues: StageConfigIssue[] = [];
  const { waves, canary } = rollout;
  const written = (wave: WaveSize) => ("count" in wave ? `${wave.count}` : `${wave.percent}%`);
  waves.forEach((wave, i) => {
    const key = keyPath(["rollout", "waves", i]);
    const previous = waves[i - 1];
    if (previous && "percent" in previous && "count" in wave) {
      issues.push({ key, message: `${written(wave)} comes after ${written(previous)}: counts of regions go first, then percentages. Fix: e.g. waves: [1, 25%, 100%]` });
    } else if (previous && "count" in previous && "count" in wave && wave.count <= previous.count) {
      issues.push({ key, message: `${written(wave)} is not more than the wave before (${written(previous)}): each wave reaches further. Fix: make the waves strictly increasing, e.g. [1, 3, 100%]` });
    } else if (previous && "percent" in previous && "percent" in wave && wave.percent <= previous.percent) {
      issues.push({ key, message: `${written(wave)} is not more than the wave before (${written(previous)}): each wave reaches further. Fix: make the waves strictly increasing, e.g. [1, 25%, 100%]` });
    }
    if ("count" in wave && size !== undefined && wave.count > size) {
      issues.push({ key, message: `${wave.count} regions is more than the stage's ${size} account × regions. Fix: use at most ${size}, or a percentage` });
    }
  });
  const last = waves[waves.length - 1];
  if (last && !("percent" in last && last.percent === 100)) {
    issues.push({ key: keyPath(["rollout", "waves", waves.length - 1]), message: `the last wave is ${written(last)}, so some regions would never change. Fix: end the waves at 100%, e.g. waves: [1, 25%, 100%]` });
  }
  canary.forEach((step, i) => {
    const previous = canary[i - 1];
    if (previous !== undefined && step <= previous) {
      issues.push({ key: keyPath(["rollout", "canary", i]), message: `${step}% is not more than the step before (${previous}%). Fix: make the steps strictly increasing, e.g. canary: [10, 50]` });
    }
  });
  if (rollout.bake > maxBakeMs) issues.push({ key: "fleet:rollout.bake", message: "is longer than 1h, the longest bake fleet waits. Fix: use at most 1h, e.g. bake: 5m" });
  return issues;
}

/** The alarms' M of N, within what CloudWatch accepts. */
function alarmWindowIssues({ period, evaluationPeriods, datapointsToAlarm }: StageConfig["alarms"]): StageConfigIssue[] {
  const issues: StageConfigIssue[] = [];
  if (datapointsToAlarm > evaluationPeriods) {
    issues.push({
      key: "fleet:alarms.datapointsToAlarm",
      message: `${datapointsToAlarm} breaching datapoints cannot come out of ${evaluationPeriods} evaluation period(s). Fix: set datapointsToAlarm to at most ${evaluationPeriods}, or raise evaluationPeriods`,
    });
  }
  if (period * evaluationPeriods > maxAlarmWindowSeconds) {
    issues.push({
      key: "fleet:alarms.evaluationPeriods",
      message: `${evaluationPeriods} periods of ${period} s is more than the one day CloudWatch evaluates. Fix: use at most ${Math.floor(maxAlarmWindowSeconds / period)} periods, or a shorter period`,
    });
  }
  return issues;
}

/**
 * With a domain each region gets one host name of its own (`<region>.<domain>`, what its health check requests),
 * so a region served by two accounts would need that name twice.
 */
function regionalHostIssues(targets: PartialTarget[], domain: string): StageConfigIssue[] {
  const servedBy = new Map<string, { account: string; key: string }[]>();
  targets.forEach(({ account, regions }, t) => {
    regions.forEach((region, r) => {
      if (account === undefined || region === undefined) return;
      servedBy.set(region, [...(servedBy.get(region) ?? []), { account, key: keyPath(["targets", t, "regions", r]) }]);
    });
  });
  // Each listing is named, so whichever one was just added or changed is.
  return [...servedBy].flatMap(([region, listings]) =>
    new Set(listings.map((listing) => listing.account)).size < 2
      ? []
      : listings.map(({ account, key }) => ({
          key,
          message:
            `${region} is also served by account ${listings.find((other) => other.account !== account)!.account}, and with fleet:domain each region has one host name (${region}.${domain}). ` +
            `Fix: serve ${region} from one account only, or remove fleet:domain`,
        })),
  );
}

/**
 * Validates the raw `fleet:` values of a stack (key without the `fleet:` prefix → value): every field error and
 * every cross-key error at once.
 * @throws StageConfigError naming the stack, every bad key and its fix.
 */
export function parseStageConfig(stack: string, raw: Record<string, unknown>): StageConfig {
  const { config, issues } = checkStageConfig(stack, raw);
  if (!config) throw new StageConfigError(stack, issues);
  return config;
}

/** {@link parseStageConfig} without the throw: the configuration when it is valid, else every issue. */
export function checkStageConfig(stack: string, raw: Record<string, unknown>): { config: StageConfig | undefined; issues: StageConfigIssue[] } {
  const parsed = StageConfig.safeParse(raw);
  const parts: ValidParts = parsed.success ? parsed.data : validParts(raw);
  const issues = [
    ...(parsed.success ? [] : configIssues(parsed.error, raw)),
    ...crossFieldIssues(parts, raw),
    ...stackNameIssues(stack, parts),
    ...environmentIssues(stack, parts),
  ];
  return { config: parsed.success && issues.length === 0 ? parsed.data : undefined, issues };
}

/**
 * Lambda refuses a function whose environment passes 4 KB, and only at `pulumi up`: checked here on the whole
 * environment the function gets (stacks/environment.ts), FLEET_RELEASE counted as a release digest (every
 * deployed release is one). Offline, each secret counts as its placeholder; `pulumi up` counts its real value.
 */
function environmentIssues(stack: string, config: ValidParts): StageConfigIssue[] {
  const env = config.env ?? {};
  const secrets = config.secrets ?? {};
  const bytes = environmentBytes({ ...functionEnv(stack, `sha256:${"0".repeat(64)}`, { env, logLevel: config.logLevel ?? "debug" }), ...secrets });
  if (bytes <= lambdaEnvironmentLimitBytes) return [];
  return [
    {
      // Reported on the map that holds more of it: the one to shorten first.
      key: environmentBytes(secrets) > environmentBytes(env) ? "fleet:secrets" : "fleet:env",
      message:
        `the function's environment would be ${bytes} bytes (the JSON of fleet:env, fleet:secrets and FLEET_STAGE, FLEET_RELEASE, FLEET_LOG_LEVEL), ` +
        `over Lambda's ${lambdaEnvironmentLimitBytes}-byte limit, so pulumi up would fail. Fix: remove or shorten variables by ${bytes - lambdaEnvironmentLimitBytes} bytes (large values belong in SSM Parameter Store or S3)`,
    },
  ];
}

/**
 * A REST API stage is named after the stack, and API Gateway accepts fewer characters than Pulumi does in stack
 * names (no `.`): caught here rather than by a failed stage after the rest of the region was created.
 */
function stackNameIssues(stack: string, config: ValidParts): StageConfigIssue[] {
  const issues: StageConfigIssue[] = [];
  if (config.api === "rest" && !/^[A-Za-z0-9_-]{1,128}$/.test(stack)) {
    issues.push({
      key: "fleet:api",
      message: `rest names its API stage after the stack, and "${stack}" is not a valid stage name (letters, digits, - and _ only). Fix: rename the stack, or set fleet:api: http`,
    });
  }
  issues.push(...functionNameIssues(stack, config));
  return issues;
}

/**
 * Function names carry stage, account and region (so every target's function is findable in the console), and
 * Lambda caps them at 64 characters: a long stack name with a long region would only fail at `pulumi up`.
 */
function functionNameIssues(stack: string, config: ValidParts): StageConfigIssue[] {
  const issues: StageConfigIssue[] = [];
  config.targets?.forEach(({ account, regions }, t) => {
    regions.forEach((region, r) => {
      if (account === undefined || region === undefined) return;
      const length = functionLogicalName(stack, account, region).length;
      if (length <= maxFunctionLogicalNameLength) return;
      const longest = maxFunctionLogicalNameLength - (length - stack.length);
      issues.push({
        key: keyPath(["targets", t, "regions", r]),
        message: `with stack "${stack}", the function name in ${region} would be ${length + 8} characters, over Lambda's 64. Fix: use a stack name of at most ${longest} characters`,
      });
    });
  });
  return issues;
}
