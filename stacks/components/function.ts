import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lambdaRuntime } from "../../core/runtime";
import { boundaryArn, logGroupName, rolePath, rolePrefix } from "../../core/naming";
import { createSecretsKey } from "./secrets-key";

/** Inputs of one regional copy of the app's function. */
export interface FleetFunctionArgs {
  /** Pulumi stage (stack) name: FLEET_STAGE and part of the role name. */
  stage: string;
  /** The account this copy runs in: its role carries that account's fleet permissions boundary. */
  account: string;
  /** The region this copy runs in (IAM role names carry it: IAM is global). */
  region: string;
  /** The release's digest: the function's `release` tag. */
  release: string;
  /** The release zip shipped as code. */
  zipPath: string;
  /** Lambda memory in MB. */
  memory: number;
  /** Lambda timeout in seconds. */
  timeout: number;
  /** CPU architecture. */
  architecture: "arm64" | "x86_64";
  /** Reserved concurrency; unset = unreserved pool. */
  reservedConcurrency?: number;
  /** Provisioned concurrency on the version `live` serves (never on the alias itself); unset = none. */
  provisionedConcurrency?: number;
  /**
   * A canary step in flight (the stage's `fleet:traffic` for this region): `live` keeps `stableVersion` and sends
   * `weight` percent of requests to the version this update publishes. Unset = `live` on the newest version alone.
   */
  canary?: { stableVersion: string; weight: number };
  /** Retention of the function's log group, in days. */
  logRetentionDays: number;
  /** X-Ray active tracing (and the two X-Ray actions in the role). */
  tracing: boolean;
  /** The app's log level (FLEET_LOG_LEVEL); Lambda's JSON log filter is set to the same level. */
  logLevel: "debug" | "info" | "warn" | "error";
  /** The whole Lambda environment; each secret value a secret Output of its own. */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The environment holds secrets: encrypt it with a key of its own that only this function's role decrypts. */
  secrets: boolean;
  /** The deploy role `pulumi up` runs as in this account (the stage file's `roleArn`), named in the key policy. */
  deployRoleArn: string;
}

/**
 * The app's Lambda function in one region: its log group (made first, so Lambda never creates an unmanaged one),
 * a least-privilege role, a published version and the `live` alias every integration calls; with secrets, the
 * customer-managed key that encrypts its environment.
 */
export class FleetFunction extends pulumi.ComponentResource {
  /** The function (use `alias` to invoke it). */
  readonly function: aws.lambda.Function;
  /** `live`: the published version API Gateway invokes. */
  readonly alias: aws.lambda.Alias;
  /** The version `live` serves (the stable one during a canary step). */
  readonly liveVersion: pulumi.Output<string>;
  /** During a canary step: the newest version and its percent of requests (0 on the way back). */
  readonly canaryVersion: { version: pulumi.Output<string>; weight: number } | undefined;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly role: aws.iam.Role;
  /** The key of the environment; only when the stage has secrets. */
  readonly key: aws.kms.Key | undefined;

  constructor(name: string, args: FleetFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:Function", name, {}, opts);
    this.logGroup = createLogGroup(this, name, args);
    this.role = createRole(this, name, args);
    this.key = args.secrets ? createSecretsKey(this, name, { account: args.account, region: args.region, deployRoleArn: args.deployRoleArn }, this.role) : undefined;
    const policy = createRolePolicy(this, name, args, this.role, this.logGroup, this.key);
    this.function = createFunction(this, name, args, this.role, this.logGroup, policy, this.key);
    const { canary } = args;
    this.liveVersion = canary ? pulumi.output(canary.stableVersion) : this.function.version;
    this.canaryVersion = canary ? { version: this.function.version, weight: canary.weight } : undefined;
    const warm = args.provisionedConcurrency === undefined ? [] : provisionVersions(this, name, this.function, this.liveVersion, args.provisionedConcurrency, canary);
    // LIVE ALIAS AND PROVISIONED CONCURRENCY (issue 16, item 2). What Lambda allows, from AWS's documentation:
    // provisioned concurrency goes on a published version or on an alias, and counts against the function's
    // reserved concurrency; an alias may route to two published versions by weight, and Lambda then splits an
    // alias's provisioned concurrency between them; but PutProvisionedConcurrencyConfig on an alias that has
    // weights is refused ("Alias with weights can not be used with Provisioned Concurrency", hashicorp/terraform
    // #24957), and moving an alias that has provisioned concurrency to another version makes Lambda add weights
    // to it itself until the new version is warm, so a read then shows drift (terraform-provider-aws PR #48116).
    // Chosen: provisioned concurrency on the version, never on the alias. Each release's version is warmed (the
    // config waits for READY) before `live` moves to it, the alias itself never holds provisioned concurrency, so
    // its version moves are a plain UpdateAlias with no weights Lambda adds and no drift, and the previous
    // version's config is deleted only after the move (Pulumi replaces create-before-delete): during a move both
    // versions hold it, which the stage schema checks against reservedConcurrency.
    // For canary traffic on `live` (routingConfig, issue 10): put a config like this on the canary version too,
    // and make the alias's routingConfig depend on it, so a version gets weight only once it is warm; never put
    // provisioned concurrency on `live`, or no weight could be set while it has one; keep both versions' configs
    // until the canary ends (2 × provisionedConcurrency ≤ reservedConcurrency already allows that).
    // CANARY (issue 10): during a step `live` stays on the stable version and routes the step's weight to the version
    // this update published; provisioned concurrency follows the design above (provisionVersions, below).
    this.alias = new aws.lambda.Alias(
      `${name}-live`,
      {
        name: "live",
        functionName: this.function.name,
        functionVersion: this.liveVersion,
        // Absent, the provider sends an empty routing config, which clears the weights of an earlier step.
        routingConfig: canary && canary.weight > 0 ? { additionalVersionWeights: weightOf(this.function.version, canary.weight) } : undefined,
      },
      { parent: this, dependsOn: warm },
    );
    this.registerOutputs({ functionName: this.function.name, aliasArn: this.alias.arn });
  }
}

/** `{ "<version>": 0.1 }` for 10%: Lambda takes the weight of an additional version as a fraction. */
function weightOf(version: pulumi.Output<string>, percent: number): pulumi.Output<Record<string, number>> {
  return version.apply((v) => ({ [v]: percent / 100 }));
}

/**
 * Provisioned concurrency on the version `live` serves and, during a canary step, on the canary version too.
 *
 * `${name}-provisioned` is on the version `live` serves. A new version moves it (its qualifier changes): Pulumi
 * creates the new config before deleting the old, so the version `live` still serves stays warm until the alias
 * has moved. During a canary step it stays on the stable version (the qualifier comes from `fleet:traffic`), and
 * `${name}-provisioned-canary` warms the new one before the alias gives it any weight (the alias depends on both).
 *
 * When the canary ends, `live` moves to the new version and `-provisioned` with it: its create puts a config on the
 * version `-provisioned-canary` already warms, and `-provisioned-canary` leaves the program. It is registered with
 * `retainOnDelete` while it carries weight, so leaving the program only drops it from the state: the config it made
 * is now `-provisioned`'s and stays, and the stable version's old config is deleted once the alias moved. On the
 * way back (fleet sets the weight to 0 first, then the previous release), the weight-0 step registers it without
 * `retainOnDelete`, so when the previous release follows, its config goes with it and no warm version is left
 * behind unowned.
 */
function provisionVersions(
  parent: pulumi.Resource,
  name: string,
  fn: aws.lambda.Function,
  liveVersion: pulumi.Output<string>,
  executions: number,
  canary: FleetFunctionArgs["canary"],
): aws.lambda.ProvisionedConcurrencyConfig[] {
  const live = new aws.lambda.ProvisionedConcurrencyConfig(`${name}-provisioned`, { functionName: fn.name, qualifier: liveVersion, provisionedConcurrentExecutions: executions }, { parent });
  if (!canary) return [live];
  const warmCanary = new aws.lambda.ProvisionedConcurrencyConfig(
    `${name}-provisioned-canary`,
    { functionName: fn.name, qualifier: fn.version, provisionedConcurrentExecutions: executions },
    { parent, retainOnDelete: canary.weight > 0 },
  );
  return [live, warmCanary];
}

function createLogGroup(parent: pulumi.Resource, name: string, args: FleetFunctionArgs): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName(args.stage, "function"), retentionInDays: args.logRetentionDays }, { parent });
}

function createRole(parent: pulumi.Resource, name: string, args: FleetFunctionArgs): aws.iam.Role {
  return new aws.iam.Role(
    `${name}-role`,
    {
      namePrefix: rolePrefix(args.stage, args.region),
      path: rolePath,
      permissionsBoundary: boundaryArn(args.account),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    },
    { parent },
  );
}

/**
 * Least privilege: write to its own log group, X-Ray only when tracing is on, its own key only with secrets. Not
 * the managed AWSLambdaBasicExecutionRole, which allows every log group of the account (`arn:aws:logs:*:*:*`).
 */
function createRolePolicy(
  parent: pulumi.Resource,
  name: string,
  args: FleetFunctionArgs,
  role: aws.iam.Role,
  logGroup: aws.cloudwatch.LogGroup,
  key: aws.kms.Key | undefined,
): aws.iam.RolePolicy {
  const policy = pulumi.all([logGroup.arn, key?.arn]).apply(([logGroupArn, keyArn]) => JSON.stringify(functionPolicy(logGroupArn, args.tracing, keyArn ? { keyArn, region: args.region } : undefined)));
  return new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy }, { parent });
}

/** The function role's only permissions. Exported for the README and the tests. */
export function functionPolicy(logGroupArn: string, tracing: boolean, secrets?: { keyArn: string; region: string }) {
  const statements: { Effect: "Allow"; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string>> }[] = [
    { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] },
  ];
  // X-Ray has no resource-level permissions: "*" is the narrowest it accepts.
  if (tracing) statements.push({ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] });
  // Lambda decrypts the environment at each cold start, as this role, through KMS.
  if (secrets) {
    statements.push({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [secrets.keyArn], Condition: { StringEquals: { "kms:ViaService": `lambda.${secrets.region}.amazonaws.com` } } });
  }
  return { Version: "2012-10-17", Statement: statements };
}

function createFunction(
  parent: pulumi.Resource,
  name: string,
  args: FleetFunctionArgs,
  role: aws.iam.Role,
  logGroup: aws.cloudwatch.LogGroup,
  policy: aws.iam.RolePolicy,
  key: aws.kms.Key | undefined,
): aws.lambda.Function {
  return new aws.lambda.Function(
    `${name}-fn`,
    {
      runtime: lambdaRuntime,
      handler: "index.handler",
      // An archive on disk, never CallbackFunction: closure serialization breaks with `main: stacks/` (pulumi-aws#933).
      code: new pulumi.asset.FileArchive(args.zipPath),
      role: role.arn,
      memorySize: args.memory,
      timeout: args.timeout,
      architectures: [args.architecture],
      reservedConcurrentExecutions: args.reservedConcurrency,
      publish: true,
      environment: { variables: args.environment },
      // Without secrets Lambda's AWS-managed key is enough: nothing in the environment needs hiding.
      kmsKeyArn: key?.arn,
      // JSON format turns on Lambda's log-level filter (AWS_LAMBDA_LOG_LEVEL, INFO unless set), which both drops
      // lines below it and overrides Powertools' own level: keep it equal to FLEET_LOG_LEVEL.
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name, applicationLogLevel: args.logLevel.toUpperCase() },
      tracingConfig: { mode: args.tracing ? "Active" : "PassThrough" },
      // The one tag a release changes, on the one resource a release changes (with its published version).
      tags: { release: args.release },
    },
    // The policy too: the role alone grants nothing, and the first cold starts must already write logs and traces.
    // With secrets the environment Lambda reports back is secret as a whole: the inputs carry the secret keys.
    { parent, dependsOn: [logGroup, policy], ...(args.secrets ? { additionalSecretOutputs: ["environment"] } : {}) },
  );
}
