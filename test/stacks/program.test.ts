import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import path from "node:path";
import { PlanError, planStack, type Plan, type PlannedResource } from "../../stacks/plan/engine";
import { boundaryArn, functionLogicalName } from "../../core/naming";
import { readStageFile, readStageFileValues } from "../../core/stage-file";
import { loadFleetConfig } from "../../core/fleet-config";
import { snapshotHash } from "../../stacks/components/snapshot-hash";
import { mockState } from "../../stacks/plan/mock-state";
import { parseStageConfig, type StageConfig } from "../../core/stage-schema";
import { writeFixtureRelease } from "./fixture-release";

/**
 * The real program (stacks/index.ts) under Pulumi's mock runtime, one child process per run (the SDK's runtime
 * state is global per process). All runs start together in `before`; the tests assert on what they recorded.
 */

const SECRET_VALUE = "s3cr3t-token-value-never-in-plain-sight";
const WAVE_RELEASE = `sha256:${"b".repeat(64)}`;
const STABLE_RELEASE = `sha256:${"c".repeat(64)}`;
const CANARY_KEY = "222222222222/us-east-1";

function ofType(plan: Plan, type: string, where?: { account: string; region: string }): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type && (!where || (r.account === where.account && r.region === where.region)));
}

function one(plan: Plan, type: string, where: { account: string; region: string }): PlannedResource {
  const found = ofType(plan, type, where);
  assert.equal(found.length, 1, `expected one ${type} in ${where.account}/${where.region}, found ${found.length}`);
  return found[0]!;
}

/** The providers of the targets' regions (the per-account Route53 provider is named `<stage>-<account>-dns`). */
function regionProviders(plan: Plan): PlannedResource[] {
  return ofType(plan, "pulumi:providers:aws").filter((provider) => !provider.name.endsWith("-dns"));
}

function targetsOf(stack: string) {
  return readStageFile(stack).targets.flatMap((target) => target.regions.map((region) => ({ account: target.account, region, roleArn: target.roleArn })));
}

/** The recorded state is computed by the mocks from inputs; read ids back from the API resource's URN-derived record. */
function apiExecutionArn(api: PlannedResource, plan: Plan): string {
  const id = (plan.outputs.apiIds as Record<string, string>)[`${api.account}/${api.region}`];
  return `arn:aws:execute-api:${api.region}:${api.account}:${id}`;
}

/** The physical name the mocks gave a resource (what `.name` resolves to), from its recorded id. */
function physicalName(resource: PlannedResource): string {
  return String(resource.inputs.name ?? `${String(resource.inputs.namePrefix ?? `${resource.name}-`)}${resource.id.slice(0, 7)}`);
}

type Inputs = Record<string, unknown>;
interface Expected {
  type: string;
  name: string;
  inputs: Inputs;
}

/**
 * Every resource one account × region gets, each with every input it must record, written out from the stage's
 * configuration (its stage file's values with the schema's defaults) and, for what one resource takes from another
 * (ids, ARNs, names), from the outputs the mocks gave that other resource. Nothing here calls the program's code:
 * a mutation of a component changes what it records and not what this expects.
 */
function expectedResources(plan: Plan, config: StageConfig, target: { account: string; region: string; roleArn: string }, release: { digest: string; archive: string }): Expected[] {
  const stage = plan.stack;
  const { account, region } = target;
  const prefix = `${stage}-${account}-${region}`;
  const recorded = (suffix: string, type: string) => {
    const found = plan.resources.find((r) => r.name === `${prefix}-${suffix}` && r.type === type);
    assert.ok(found, `${type} ${prefix}-${suffix} is missing`);
    return found;
  };
  /** What the program read back from a resource: the mocks' outputs for its recorded inputs. */
  const output = (suffix: string, type: string) => {
    const resource = recorded(suffix, type);
    return { id: resource.id, ...mockState(type, resource.name, resource.inputs, resource.account!, resource.region!).state } as Record<string, any>;
  };
  const T = {
    provider: "pulumi:providers:aws",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    fn: "aws:lambda/function:Function",
    alias: "aws:lambda/alias:Alias",
    provisioned: "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    permission: "aws:lambda/permission:Permission",
    key: "aws:kms/key:Key",
  };
  const withSecrets = Object.keys(config.secrets).length > 0;
  const traffic = config.traffic[`${account}/${region}`];
  const boundary = `arn:aws:iam::${account}:policy/fleet-boundary`;
  const trust = (service: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }] });
  const logGroupArn = (purpose: string) => `arn:aws:logs:${region}:${account}:log-group:/fleet/${stage}/${purpose}`;
  const accessLogFormat = JSON.stringify({
    requestId: "$context.requestId",
    ip: "$context.identity.sourceIp",
    time: "$context.requestTime",
    method: "$context.httpMethod",
    path: "$context.path",
    status: "$context.status",
    latencyMs: "$context.responseLatency",
    integrationError: "$context.integrationErrorMessage",
  });
  const component = (type: string, suffix?: string): Expected => ({ type, name: suffix ? `${prefix}-${suffix}` : prefix, inputs: {} });
  const resource = (type: string, suffix: string, inputs: Inputs): Expected => ({ type, name: `${prefix}-${suffix}`, inputs });

  const functionName = output("function-fn", T.fn).name as string;
  const functionRole = output("function-role", T.role);
  const key = withSecrets ? output("function-secrets-key", T.key) : undefined;
  const throughLambda = { "kms:ViaService": `lambda.${region}.amazonaws.com` };
  const administration = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:PutKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:EnableKeyRotation",
    "kms:ListResourceTags",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateKeyDescription",
    "kms:ScheduleKeyDeletion",
  ];
  const functionStatements: unknown[] = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn("function")}:*`] }];
  if (config.tracing) functionStatements.push({ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] });
  if (key) functionStatements.push({ Effect: "Allow", Action: ["kms:Decrypt"], Resource: [key.arn], Condition: { StringEquals: throughLambda } });
  const variables = { ...config.env, FLEET_STAGE: stage, FLEET_RELEASE: release.digest, FLEET_LOG_LEVEL: config.logLevel };

  const fn: Expected[] = [
    component("fleet:aws:Function", "function"),
    resource(T.logGroup, "function-logs", { name: `/fleet/${stage}/function`, retentionInDays: config.logRetentionDays }),
    resource(T.role, "function-role", { assumeRolePolicy: trust("lambda.amazonaws.com"), namePrefix: `fleet-${stage}-${region}-`, path: "/fleet/", permissionsBoundary: boundary }),
    resource(T.rolePolicy, "function-policy", { role: functionRole.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: functionStatements }) }),
    resource(T.fn, "function-fn", {
      architectures: [config.architecture],
      code: { archive: release.archive },
      // Each secret variable is a secret of its own (the plan masks it); the plain ones stay readable.
      environment: { variables: { ...variables, ...Object.fromEntries(Object.keys(config.secrets).map((name) => [name, "[secret]"])) } },
      handler: "index.handler",
      ...(key ? { kmsKeyArn: key.arn } : {}),
      loggingConfig: { applicationLogLevel: config.logLevel.toUpperCase(), logFormat: "JSON", logGroup: `/fleet/${stage}/function` },
      memorySize: config.memory,
      publish: true,
      ...(config.reservedConcurrency === undefined ? {} : { reservedConcurrentExecutions: config.reservedConcurrency }),
      role: functionRole.arn,
      runtime: "nodejs22.x",
      tags: { release: release.digest },
      timeout: config.timeout,
      tracingConfig: { mode: config.tracing ? "Active" : "PassThrough" },
    }),
    // The mocks publish version 1: live serves the version this update published, never $LATEST; during a canary
    // step it keeps the stable version and gives the step's weight (a fraction) to version 1.
    resource(T.alias, "function-live", {
      functionName,
      functionVersion: traffic ? traffic.stableVersion : "1",
      name: "live",
      ...(traffic && traffic.canaryWeight > 0 ? { routingConfig: { additionalVersionWeights: { "1": traffic.canaryWeight / 100 } } } : {}),
    }),
  ];
  if (config.provisionedConcurrency !== undefined) {
    const executions = config.provisionedConcurrency;
    fn.push(resource(T.provisioned, "function-provisioned", { functionName, provisionedConcurrentExecutions: executions, qualifier: traffic ? traffic.stableVersion : "1" }));
    if (traffic) fn.push(resource(T.provisioned, "function-provisioned-canary", { functionName, provisionedConcurrentExecutions: executions, qualifier: "1" }));
  }
  if (key) {
    const deployRole = { AWS: target.roleArn };
    fn.push(
      resource(T.key, "function-secrets-key", {
        description: `fleet: the secret environment of ${prefix}-function`,
        enableKeyRotation: true,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Sid: "AccountAdministersNeverUses", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: administration, Resource: "*" },
            { Sid: "DeployRoleAdministers", Effect: "Allow", Principal: deployRole, Action: administration, Resource: "*" },
            { Sid: "LambdaEncryptsForTheDeployRole", Effect: "Allow", Principal: deployRole, Action: "kms:Encrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
            {
              Sid: "LambdaGrantsTheFunctionRole",
              Effect: "Allow",
              Principal: deployRole,
              Action: "kms:CreateGrant",
              Resource: "*",
              Condition: { StringEquals: throughLambda, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            { Sid: "DeployRoleReadsTheEnvironmentThroughLambda", Effect: "Allow", Principal: deployRole, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
            { Sid: "FunctionRoleDecrypts", Effect: "Allow", Principal: { AWS: functionRole.arn }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
          ],
        }),
      }),
    );
  }

  const api: Expected[] = [];
  let metrics: { dimensions: Inputs; serverErrors: string };
  let executionArn: string;
  let apiId: string;
  const throttle = config.throttle;
  if (config.api === "http") {
    const T2 = { api: "aws:apigatewayv2/api:Api", integration: "aws:apigatewayv2/integration:Integration", route: "aws:apigatewayv2/route:Route", stage: "aws:apigatewayv2/stage:Stage" };
    const httpApi = output("http-api", T2.api);
    apiId = httpApi.id;
    executionArn = httpApi.executionArn;
    metrics = { dimensions: { ApiId: apiId, Stage: "$default" }, serverErrors: "5xx" };
    const alias = output("function-live", T.alias);
    api.push(
      component("fleet:aws:HttpApi", "http"),
      resource(T2.api, "http-api", {
        ...(config.cors ? { corsConfiguration: { allowHeaders: ["*"], allowMethods: ["*"], allowOrigins: config.cors.origins, maxAge: 600 } } : {}),
        description: `fleet ${stage} (${region})`,
        protocolType: "HTTP",
      }),
      resource(T2.integration, "http-integration", { apiId, integrationMethod: "POST", integrationType: "AWS_PROXY", integrationUri: alias.arn, payloadFormatVersion: "2.0" }),
      resource(T2.route, "http-default-route", { apiId, routeKey: "$default", target: `integrations/${recorded("http-integration", T2.integration).id}` }),
      resource(T.logGroup, "http-access-logs", { name: `/fleet/${stage}/api-access`, retentionInDays: config.logRetentionDays }),
      resource(T2.stage, "http-stage", {
        accessLogSettings: { destinationArn: logGroupArn("api-access"), format: accessLogFormat },
        apiId,
        autoDeploy: true,
        defaultRouteSettings: { detailedMetricsEnabled: true, throttlingBurstLimit: throttle.burst, throttlingRateLimit: throttle.rate },
        name: "$default",
      }),
    );
  } else {
    const R = {
      api: "aws:apigateway/restApi:RestApi",
      resource: "aws:apigateway/resource:Resource",
      method: "aws:apigateway/method:Method",
      integration: "aws:apigateway/integration:Integration",
      deployment: "aws:apigateway/deployment:Deployment",
      account: "aws:apigateway/account:Account",
      stage: "aws:apigateway/stage:Stage",
      settings: "aws:apigateway/methodSettings:MethodSettings",
    };
    const restApi = output("rest-api", R.api);
    apiId = restApi.id;
    executionArn = restApi.executionArn;
    metrics = { dimensions: { ApiName: restApi.name, Stage: stage }, serverErrors: "5XXError" };
    const proxyId = recorded("rest-proxy", R.resource).id;
    const invokeArn = output("function-live", T.alias).invokeArn;
    const logsRole = output("rest-apigw-logs-role", T.role);
    const route = (name: string, resourceId: string) => [
      resource(R.method, `rest-${name}-any`, { authorization: "NONE", httpMethod: "ANY", resourceId, restApi: apiId }),
      resource(R.integration, `rest-${name}-integration`, { httpMethod: "ANY", integrationHttpMethod: "POST", resourceId, restApi: apiId, type: "AWS_PROXY", uri: invokeArn }),
    ];
    const deployment = recorded("rest-deployment", R.deployment);
    api.push(
      component("fleet:aws:RestApi", "rest"),
      resource(R.api, "rest-api", { binaryMediaTypes: ["*/*"], description: `fleet ${stage} (${region})`, endpointConfiguration: { types: "REGIONAL" } }),
      resource(R.resource, "rest-proxy", { parentId: restApi.rootResourceId, pathPart: "{proxy+}", restApi: apiId }),
      ...route("root", restApi.rootResourceId),
      ...route("proxy", proxyId),
      // The trigger's hash is checked against its snapshot in "derives the REST deployment's trigger…".
      resource(R.deployment, "rest-deployment", { restApi: apiId, triggers: { redeployment: (deployment.inputs.triggers as { redeployment: string }).redeployment } }),
      resource(T.logGroup, "rest-access-logs", { name: `/fleet/${stage}/api-access`, retentionInDays: config.logRetentionDays }),
      resource(T.role, "rest-apigw-logs-role", { assumeRolePolicy: trust("apigateway.amazonaws.com"), namePrefix: `fleet-${stage}-apigw-${region}-`.slice(0, 38), path: "/fleet/", permissionsBoundary: boundary }),
      resource(T.attachment, "rest-apigw-logs-policy", { policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs", role: logsRole.name }),
      resource(R.account, "rest-apigw-account", { cloudwatchRoleArn: logsRole.arn }),
      resource(R.stage, "rest-stage", {
        accessLogSettings: { destinationArn: logGroupArn("api-access"), format: accessLogFormat },
        deployment: deployment.id,
        restApi: apiId,
        stageName: stage,
        xrayTracingEnabled: config.tracing,
      }),
      resource(R.settings, "rest-throttle", { methodPath: "*/*", restApi: apiId, settings: { metricsEnabled: true, throttlingBurstLimit: throttle.burst, throttlingRateLimit: throttle.rate }, stageName: stage }),
    );
  }

  const topicArn = output("alarms-topic", T.topic).arn;
  const alarm = (suffix: string, inputs: Inputs) =>
    resource(T.alarm, `alarms-${suffix}`, {
      alarmActions: [topicArn],
      comparisonOperator: "GreaterThanThreshold",
      datapointsToAlarm: config.alarms.datapointsToAlarm,
      evaluationPeriods: config.alarms.evaluationPeriods,
      okActions: [topicArn],
      period: config.alarms.period,
      treatMissingData: "notBreaching",
      ...inputs,
    });
  const functionDimensions = { FunctionName: functionName, Resource: `${functionName}:live` };
  const alarms: Expected[] = [
    component("fleet:aws:RegionalAlarms", "alarms"),
    resource(T.topic, "alarms-topic", {}),
    ...(config.alarms.email ? [resource(T.subscription, "alarms-email", { endpoint: config.alarms.email, protocol: "email", topic: topicArn })] : []),
    alarm("5xx-rate", {
      alarmDescription: `More than ${config.alarms.errorRate * 100}% of requests answered 5xx`,
      dimensions: metrics.dimensions,
      metricName: metrics.serverErrors,
      namespace: "AWS/ApiGateway",
      statistic: "Average",
      threshold: config.alarms.errorRate,
    }),
    alarm("function-errors", { alarmDescription: "The function threw or timed out", dimensions: functionDimensions, metricName: "Errors", namespace: "AWS/Lambda", statistic: "Sum", threshold: 0 }),
    alarm("throttles", {
      alarmDescription: "Invocations were throttled (concurrency exhausted)",
      dimensions: functionDimensions,
      metricName: "Throttles",
      namespace: "AWS/Lambda",
      statistic: "Sum",
      threshold: 0,
    }),
    alarm("p99-latency", {
      alarmDescription: `p99 latency above ${config.alarms.p99LatencyMs} ms`,
      dimensions: metrics.dimensions,
      extendedStatistic: "p99",
      metricName: "Latency",
      namespace: "AWS/ApiGateway",
      threshold: config.alarms.p99LatencyMs,
    }),
  ];

  const domain: Expected[] = [];
  if (config.domain) {
    const D = {
      certificate: "aws:acm/certificate:Certificate",
      validation: "aws:acm/certificateValidation:CertificateValidation",
      record: "aws:route53/record:Record",
      domainName: "aws:apigatewayv2/domainName:DomainName",
      mapping: "aws:apigatewayv2/apiMapping:ApiMapping",
      healthCheck: "aws:route53/healthCheck:HealthCheck",
    };
    const global = config.domain.name;
    const regional = `${region}.${global}`;
    const zoneId = config.domain.hostedZoneId;
    const certificate = output("domain-cert", D.certificate);
    const validationOf = (name: string) => certificate.domainValidationOptions.find((option: { domainName: string }) => option.domainName === name);
    const cname = (suffix: string, name: string) =>
      resource(D.record, suffix, { allowOverwrite: true, name: validationOf(name).resourceRecordName, records: [validationOf(name).resourceRecordValue], ttl: 300, type: "CNAME", zoneId });
    const stageName = config.api === "http" ? "$default" : stage;
    const aliasTo = (domainSuffix: string) => {
      const configuration = output(domainSuffix, D.domainName).domainNameConfiguration;
      return [{ evaluateTargetHealth: true, name: configuration.targetDomainName, zoneId: configuration.hostedZoneId }];
    };
    const tls = { certificateArn: certificate.arn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" };
    domain.push(
      component("fleet:aws:RegionalDomain", "domain"),
      resource(D.certificate, "domain-cert", { domainName: global, subjectAlternativeNames: [regional], validationMethod: "DNS" }),
      cname("domain-cert-validation", global),
      cname("domain-cert-validation-regional", regional),
      resource(D.validation, "domain-cert-validated", { certificateArn: certificate.arn, validationRecordFqdns: [validationOf(global).resourceRecordName, validationOf(regional).resourceRecordName] }),
      resource(D.domainName, "domain-domain", { domainName: global, domainNameConfiguration: tls }),
      resource(D.mapping, "domain-mapping", { apiId, domainName: global, stage: stageName }),
      resource(D.domainName, "domain-regional-domain", { domainName: regional, domainNameConfiguration: tls }),
      resource(D.mapping, "domain-regional-mapping", { apiId, domainName: regional, stage: stageName }),
      resource(D.record, "domain-regional-record", { aliases: aliasTo("domain-regional-domain"), name: regional, type: "A", zoneId }),
      resource(D.healthCheck, "domain-health", {
        enableSni: true,
        failureThreshold: 3,
        fqdn: regional,
        port: 443,
        requestInterval: 30,
        resourcePath: loadFleetConfig().health,
        tags: { Name: `fleet ${global} ${account}-${region}` },
        type: "HTTPS",
      }),
      resource(D.record, "domain-latency", {
        aliases: aliasTo("domain-domain"),
        healthCheckId: recorded("domain-health", D.healthCheck).id,
        latencyRoutingPolicies: [{ region }],
        name: global,
        setIdentifier: `${account}-${region}`,
        type: "A",
        zoneId,
      }),
    );
  }

  return [
    {
      type: T.provider,
      name: prefix,
      inputs: {
        allowedAccountIds: [account],
        assumeRoles: [{ roleArn: target.roleArn, sessionName: `fleet-${stage}` }],
        defaultTags: { tags: { app: "fleet", stage } },
        region,
        skipCredentialsValidation: "false",
        skipRegionValidation: "true",
      },
    },
    component("fleet:aws:RegionalApi"),
    ...fn,
    ...api,
    resource(T.permission, "invoke", { action: "lambda:InvokeFunction", function: functionName, principal: "apigateway.amazonaws.com", qualifier: "live", sourceArn: `${executionArn}/*` }),
    ...alarms,
    ...domain,
  ];
}

async function rejection(run: Promise<Plan>): Promise<PlanError> {
  try {
    await run;
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error;
  }
  assert.fail("the program accepted the configuration");
}

describe("the Pulumi program under mocks (stacks/index.ts)", function () {
  this.timeout(240_000);
  let fixture: { dir: string; zipPath: string; digest: string };
  let dev: Plan;
  let prod: Plan;
  let variant: Plan;
  let prodReordered: Plan;
  let prodNextRelease: Plan;
  let prodCanary: Plan;
  let prodCanaryStopped: Plan;
  let prodCanaryValues: Record<string, unknown>;
  let badRules: PlanError;
  let badSchema: PlanError;
  const devTargets = targetsOf("dev");
  const prodTargets = targetsOf("prod");
  const variantValues = {
    targets: [{ account: "444444444444", roleArn: "arn:aws:iam::444444444444:role/fleet-deploy", regions: ["ap-southeast-2", "ap-northeast-1"] }],
    // A wave in flight: one region already on another release (fleet deploy/promote write this key).
    releases: { "444444444444/ap-northeast-1": WAVE_RELEASE },
    api: "rest",
    timeout: "29",
    tracing: false,
    env: { MODE: "variant" },
    secrets: { API_TOKEN: SECRET_VALUE },
  };

  before(async () => {
    fixture = await writeFixtureRelease();
    const releaseMode = { kind: "fixture", zipPath: fixture.zipPath } as const;
    // prod with the zone account's regions in the other order (as after adding a region in front).
    const prodValues = readStageFileValues("prod").values as { targets: { regions: string[] }[]; alarms: object };
    const reordered = { ...prodValues, targets: prodValues.targets.map((target, index) => (index === 0 ? { ...target, regions: [...target.regions].reverse() } : target)) };
    // A canary step in flight in one prod region (what fleet sets per step), with 10-second alarm periods.
    const canaryIn = (canaryWeight: number) => ({
      ...prodValues,
      releases: { [CANARY_KEY]: WAVE_RELEASE },
      traffic: { [CANARY_KEY]: { stableVersion: "7", stableRelease: STABLE_RELEASE, canaryWeight } },
      alarms: { ...prodValues.alarms, period: 10, evaluationPeriods: 4, datapointsToAlarm: 3 },
    });
    prodCanaryValues = canaryIn(10);
    [dev, prod, variant, prodReordered, prodNextRelease, prodCanary, prodCanaryStopped, badRules, badSchema] = await Promise.all([
      planStack({ stack: "dev", releaseMode }),
      planStack({ stack: "prod", releaseMode }),
      planStack({ stack: "variant", releaseMode, config: { values: variantValues, secretKeys: ["fleet:secrets"] } }),
      planStack({ stack: "prod", releaseMode, config: { values: reordered } }),
      planStack({ stack: "prod", releaseMode, release: WAVE_RELEASE }),
      planStack({ stack: "prod", releaseMode, config: { values: prodCanaryValues } }),
      planStack({ stack: "prod", releaseMode, config: { values: canaryIn(0) } }),
      rejection(
        planStack({
          stack: "bad",
          releaseMode,
          config: {
            values: {
              targets: [
                { account: "111111111111", roleArn: "arn:aws:iam::999999999999:role/fleet-deploy", regions: ["us-east-1", "us-east-1", "mars-north-1"] },
              ],
              api: "rest",
              timeout: 30,
              reservedConcurrency: 2,
              provisionedConcurrency: 3,
              cors: { origins: ["https://app.example.com"] },
              requireRelease: true,
              env: { AWS_REGION: "x" },
              domain: { name: "api.example.com", hostedZoneId: "Z123", account: "555555555555" },
            },
          },
        }),
      ),
      rejection(
        planStack({
          stack: "worse",
          releaseMode,
          config: {
            values: {
              targets: [{ account: "1234", roleArn: "arn:aws:iam::1234:role/x", regions: ["us-east-1"] }],
              memory: 64,
              logRetentionDays: 10,
              api: "soap",
              colour: "blue",
            },
          },
        }),
      ),
    ]);
  });

  after(async () => {
    if (fixture) await rm(fixture.dir, { recursive: true, force: true });
  });

  it("records every input of every resource the stage file implies, and exactly those resources and outputs", () => {
    const cases = [
      { plan: dev, config: readStageFile("dev"), targets: devTargets },
      { plan: prod, config: readStageFile("prod"), targets: prodTargets },
      { plan: variant, config: parseStageConfig("variant", variantValues), targets: variantValues.targets.flatMap((t) => t.regions.map((region) => ({ account: t.account, region, roleArn: t.roleArn }))) },
      { plan: prodCanary, config: parseStageConfig("prod", prodCanaryValues), targets: prodTargets },
    ];
    const mismatches: string[] = [];
    for (const { plan, config, targets } of cases) {
      const stage = plan.stack;
      const releaseOf = (key: string) => {
        const configured = config.releases[key] ?? config.release;
        const digest = configured === "build" ? fixture.digest : configured;
        // release: build writes the fixture's bytes to .fleet/build/; a digest is read from the local store.
        return { digest, archive: path.posix.join(".fleet", configured === "build" ? "build" : "releases", `${digest.slice("sha256:".length)}.zip`) };
      };
      const expected = targets.flatMap((target) => expectedResources(plan, config, target, releaseOf(`${target.account}/${target.region}`)));
      if (config.domain) {
        const zone = targets.find((target) => target.account === (config.domain!.account ?? targets[0]!.account))!;
        expected.push({
          type: "pulumi:providers:aws",
          name: `${stage}-${zone.account}-dns`,
          inputs: {
            allowedAccountIds: [zone.account],
            assumeRoles: [{ roleArn: zone.roleArn, sessionName: `fleet-${stage}` }],
            defaultTags: { tags: { app: "fleet", stage } },
            region: "us-east-1",
            skipCredentialsValidation: "false",
            skipRegionValidation: "true",
          },
        });
      }
      const id = (resource: { type: string; name: string }) => `${resource.type} ${resource.name}`;
      assert.deepEqual(plan.resources.map(id).sort(), expected.map(id).sort(), `${stage}: the resources`);
      for (const want of expected) {
        const got = plan.resources.find((resource) => id(resource) === id(want))!;
        try {
          assert.deepEqual(got.inputs, want.inputs);
        } catch {
          mismatches.push(`${stage}: ${id(want)}\n  recorded ${JSON.stringify(got.inputs)}\n  expected ${JSON.stringify(want.inputs)}`);
        }
      }
      const byKey = <T>(value: (target: (typeof targets)[number], key: string) => T) => Object.fromEntries(targets.map((target) => [`${target.account}/${target.region}`, value(target, `${target.account}/${target.region}`)]));
      const apiId = (target: { account: string; region: string }) => plan.resources.find((r) => r.name === `${stage}-${target.account}-${target.region}-${config.api}-api`)!.id;
      const fnName = (target: { account: string; region: string }) => physicalName(plan.resources.find((r) => r.name === `${stage}-${target.account}-${target.region}-function-fn`)!);
      assert.deepEqual(
        plan.outputs,
        {
          endpoints: byKey((target) => `https://${apiId(target)}.execute-api.${target.region}.amazonaws.com/${config.api === "rest" ? `${stage}/` : ""}`),
          ...(Object.keys(config.releases).length < targets.length ? { release: releaseOf("").digest } : {}),
          releases: byKey((_target, key) => releaseOf(key).digest),
          functionNames: byKey(fnName),
          apiIds: byKey(apiId),
          versions: byKey((target, key) => {
            const traffic = config.traffic[key];
            return traffic
              ? { version: traffic.stableVersion, release: traffic.stableRelease, canary: { version: "1", release: releaseOf(key).digest, weight: traffic.canaryWeight } }
              : { version: "1", release: releaseOf(key).digest };
          }),
          alarmNames: byKey((target) => Object.fromEntries(
            ["5xx-rate", "function-errors", "throttles", "p99-latency"].map((alarm) => [alarm, physicalName(plan.resources.find((r) => r.name === `${stage}-${target.account}-${target.region}-alarms-${alarm}`)!)]),
          )),
          ...(config.domain ? { url: `https://${config.domain.name}/` } : {}),
        },
        `${stage}: the outputs`,
      );
    }
    assert.equal(mismatches.length, 0, mismatches.join("\n"));
  });

  it("makes one provider per account × region with its region, deploy role and allowed account", () => {
    for (const [plan, targets, stage] of [[dev, devTargets, "dev"], [prod, prodTargets, "prod"]] as const) {
      const providers = regionProviders(plan);
      assert.equal(providers.length, targets.length);
      for (const target of targets) {
        const provider = providers.find((candidate) => candidate.account === target.account && candidate.region === target.region);
        assert.ok(provider, `provider of ${target.account}/${target.region}`);
        assert.equal(provider.inputs.region, target.region);
        assert.deepEqual(provider.inputs.allowedAccountIds, [target.account]);
        assert.deepEqual(provider.inputs.assumeRoles, [{ roleArn: target.roleArn, sessionName: `fleet-${stage}` }]);
        assert.deepEqual((provider.inputs.defaultTags as { tags: Record<string, string> }).tags, { app: "fleet", stage });
      }
    }
  });

  it("tags only the function with its release: no provider's default tags carry one", () => {
    for (const plan of [dev, prod, variant]) {
      for (const provider of ofType(plan, "pulumi:providers:aws")) {
        assert.equal((provider.inputs.defaultTags as { tags: Record<string, string> }).tags.release, undefined, `${provider.name} tags every resource with the release`);
      }
      for (const fn of ofType(plan, "aws:lambda/function:Function")) {
        assert.deepEqual(fn.inputs.tags, { release: (plan.outputs.releases as Record<string, string>)[`${fn.account}/${fn.region}`] });
      }
    }
  });

  it("changes only the functions when the release changes, so a release or rollback updates nothing else", () => {
    const before = new Map(prod.resources.map((resource) => [resource.urn, resource.inputs]));
    const changed = prodNextRelease.resources.filter((resource) => JSON.stringify(resource.inputs) !== JSON.stringify(before.get(resource.urn)));
    assert.deepEqual([...new Set(changed.map((resource) => resource.type))], ["aws:lambda/function:Function"]);
    assert.equal(changed.length, prodTargets.length);
  });

  it("keeps on destroy only what other stages and regions rely on: the global name's validation records and REST's account logging role", () => {
    for (const plan of [dev, prod, variant]) {
      const retained = plan.resources.filter((r) => r.retainOnDelete).map((r) => r.type);
      const expected = plan.resources
        .filter((r) => (r.type === "aws:route53/record:Record" && r.inputs.type === "CNAME" && r.inputs.name !== undefined && !/\.[a-z]{2}-[a-z]+-\d\./.test(String(r.inputs.name))) || /-apigw-(logs-role|logs-policy|account)$/.test(r.name))
        .map((r) => r.type);
      assert.deepEqual(retained.sort(), expected.sort(), plan.stack);
    }
    assert.equal(prod.resources.filter((r) => r.retainOnDelete).length, prodTargets.length * 4);
  });

  it("uses no deprecated managedPolicyArns on any role", () => {
    for (const plan of [dev, prod, variant]) {
      for (const role of ofType(plan, "aws:iam/role:Role")) assert.equal(role.inputs.managedPolicyArns, undefined, role.name);
    }
  });

  it("gives every AWS resource an explicit provider of one target (no default provider)", () => {
    for (const plan of [dev, prod, variant]) {
      const providers = new Set(ofType(plan, "pulumi:providers:aws").map((provider) => provider.urn));
      for (const resource of plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))) {
        assert.ok(resource.provider && providers.has(resource.provider), `${resource.urn} uses provider ${resource.provider}`);
      }
      for (const resource of plan.resources) assert.ok(resource.account && resource.region, `${resource.urn} has no account/region`);
    }
  });

  it("creates one function, alias, API, permission, function log group and alarm set per target", () => {
    for (const [plan, targets, apiType] of [[dev, devTargets, "aws:apigatewayv2/api:Api"], [prod, prodTargets, "aws:apigateway/restApi:RestApi"]] as const) {
      for (const target of targets) {
        // The stage config's function-name length rule (core/stage-schema.ts) relies on this name.
        assert.equal(one(plan, "aws:lambda/function:Function", target).name, functionLogicalName(plan.stack, target.account, target.region));
        assert.equal(one(plan, "aws:lambda/alias:Alias", target).inputs.name, "live");
        one(plan, apiType, target);
        one(plan, "aws:lambda/permission:Permission", target);
        one(plan, "aws:sns/topic:Topic", target);
        const logGroups = ofType(plan, "aws:cloudwatch/logGroup:LogGroup", target).map((group) => group.inputs.name);
        assert.ok(logGroups.includes(`/fleet/${plan.stack}/function`), String(logGroups));
        const alarms = ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", target).map((alarm) => alarm.inputs.metricName).sort();
        assert.deepEqual(alarms, plan === prod ? ["5XXError", "Errors", "Latency", "Throttles"] : ["5xx", "Errors", "Latency", "Throttles"]);
      }
      assert.equal(ofType(plan, "aws:lambda/function:Function").length, targets.length);
    }
  });

  it("registers every resource under a unique URN", () => {
    for (const plan of [dev, prod, variant]) {
      const urns = plan.resources.map((resource) => resource.urn);
      assert.equal(new Set(urns).size, urns.length);
    }
  });

  it("runs the release's code on nodejs22.x with the stage's sizes and the env contract", () => {
    assert.equal(dev.outputs.release, fixture.digest, "release: build packs the working tree (here the fixture)");
    for (const target of devTargets) {
      const fn = one(dev, "aws:lambda/function:Function", target);
      assert.equal(fn.inputs.runtime, "nodejs22.x");
      assert.equal(fn.inputs.handler, "index.handler");
      assert.match(String((fn.inputs.code as { archive: string }).archive), new RegExp(`${fixture.digest.slice(7)}\\.zip$`));
      assert.equal(fn.inputs.memorySize, 512);
      assert.equal(fn.inputs.timeout, 10);
      assert.deepEqual(fn.inputs.architectures, ["arm64"]);
      assert.equal(fn.inputs.publish, true);
      assert.deepEqual(fn.inputs.environment, {
        variables: { FLEET_STAGE: "dev", FLEET_RELEASE: fixture.digest, FLEET_LOG_LEVEL: "debug" },
      });
      // Lambda's JSON log filter must match FLEET_LOG_LEVEL, or it drops dev's debug lines and Powertools follows it.
      assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: "/fleet/dev/function", applicationLogLevel: "DEBUG" });
    }
    const prodFn = one(prod, "aws:lambda/function:Function", prodTargets[0]!);
    assert.equal(prodFn.inputs.memorySize, 1024);
    assert.equal(prodFn.inputs.reservedConcurrentExecutions, 100);
    assert.deepEqual(prodFn.inputs.tracingConfig, { mode: "Active" });
    assert.equal((prodFn.inputs.loggingConfig as { applicationLogLevel: string }).applicationLogLevel, "INFO");
    assert.equal((prodFn.inputs.environment as { variables: Record<string, string> }).variables.FLEET_RELEASE, readStageFile("prod").release);
  });

  it("warms the new version before live moves to it: provisioned concurrency on the version, never on the alias", () => {
    for (const target of prodTargets) {
      const fn = one(prod, "aws:lambda/function:Function", target);
      const alias = one(prod, "aws:lambda/alias:Alias", target);
      const provisioned = one(prod, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", target);
      assert.equal(provisioned.inputs.provisionedConcurrentExecutions, 2);
      // Regression: on the alias, a version move made Lambda add weights to it (drift on the next read) and a
      // config change during the move failed with "Alias with weights can not be used with Provisioned Concurrency".
      assert.equal(provisioned.inputs.qualifier, "1", "the function's published version (the mocks publish version 1)");
      assert.equal(alias.inputs.functionVersion, provisioned.inputs.qualifier, "live serves the warmed version");
      assert.equal(provisioned.inputs.functionName, alias.inputs.functionName);
      assert.ok(provisioned.dependencies.includes(fn.urn), "the config follows the function's newest version");
      assert.ok(alias.dependencies.includes(provisioned.urn), "live moves only once its new version is warm");
      // The old version's config is deleted after its replacement exists, so live's version stays warm until it moves.
      assert.equal(provisioned.deleteBeforeReplace, false);
      assert.equal(alias.inputs.routingConfig, undefined, "no weights on live");
    }
    assert.equal(ofType(dev, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig").length, 0);
    assert.deepEqual(ofType(dev, "aws:lambda/alias:Alias").map((alias) => alias.dependencies.filter((urn) => urn.includes("ProvisionedConcurrencyConfig"))), [[], []]);
  });

  it("during a canary step, live keeps the stable version and routes the step's weight to the new one, both warm", () => {
    const where = { account: "222222222222", region: "us-east-1" };
    const fn = one(prodCanary, "aws:lambda/function:Function", where);
    const alias = one(prodCanary, "aws:lambda/alias:Alias", where);
    assert.equal(alias.inputs.functionVersion, "7", "live stays on the stable version fleet:traffic names");
    assert.deepEqual(alias.inputs.routingConfig, { additionalVersionWeights: { "1": 0.1 } }, "10% to the version this update publishes (the mocks publish 1)");
    assert.deepEqual(fn.inputs.tags, { release: WAVE_RELEASE }, "the function's code is the canary's release");
    const configs = ofType(prodCanary, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", where);
    assert.deepEqual(configs.map((config) => [config.name.replace(/^.*-function-/, ""), config.inputs.qualifier, config.retainOnDelete]), [
      ["provisioned", "7", false],
      ["provisioned-canary", "1", true],
    ]);
    for (const config of configs) assert.ok(alias.dependencies.includes(config.urn), `live gets weights only once ${config.name} is warm`);
    // Every other region serves its newest version alone, as before.
    for (const target of prodTargets.filter((t) => `${t.account}/${t.region}` !== CANARY_KEY)) {
      const other = one(prodCanary, "aws:lambda/alias:Alias", target);
      assert.equal(other.inputs.functionVersion, "1");
      assert.equal(other.inputs.routingConfig, undefined);
      assert.equal(ofType(prodCanary, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", target).length, 1);
    }
  });

  it("at weight 0 (the way back), live serves the stable version alone and the canary's warm config may go with it", () => {
    const where = { account: "222222222222", region: "us-east-1" };
    const alias = one(prodCanaryStopped, "aws:lambda/alias:Alias", where);
    assert.equal(alias.inputs.functionVersion, "7");
    assert.equal(alias.inputs.routingConfig, undefined, "no weights left on live");
    const canary = ofType(prodCanaryStopped, "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", where).find((config) => config.name.endsWith("-provisioned-canary"));
    assert.equal(canary?.retainOnDelete, false, "removed with the previous release, it deletes its config instead of leaving a warm version unowned");
  });

  it("outputs the version each region's live alias serves, and the canary's version, release and weight", () => {
    const versions = prodCanary.outputs.versions as Record<string, unknown>;
    assert.deepEqual(versions[CANARY_KEY], { version: "7", release: STABLE_RELEASE, canary: { version: "1", release: WAVE_RELEASE, weight: 10 } });
    for (const target of prodTargets.filter((t) => `${t.account}/${t.region}` !== CANARY_KEY)) {
      assert.deepEqual(versions[`${target.account}/${target.region}`], { version: "1", release: readStageFile("prod").release });
    }
    // At weight 0 the step is still there to read (the way back is not over until the previous release is live).
    assert.deepEqual((prodCanaryStopped.outputs.versions as Record<string, unknown>)[CANARY_KEY], { version: "7", release: STABLE_RELEASE, canary: { version: "1", release: WAVE_RELEASE, weight: 0 } });
    assert.deepEqual(prod.outputs.versions, Object.fromEntries(prodTargets.map((t) => [`${t.account}/${t.region}`, { version: "1", release: readStageFile("prod").release }])));
  });

  it("makes each region's alarms from the stage's definitions and outputs their names", () => {
    const order = ["5xx-rate", "function-errors", "throttles", "p99-latency"];
    for (const [plan, window] of [[prod, { period: 60, evaluationPeriods: 3, datapointsToAlarm: 2 }], [prodCanary, { period: 10, evaluationPeriods: 4, datapointsToAlarm: 3 }]] as const) {
      for (const target of prodTargets) {
        const alarms = ofType(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", target);
        assert.deepEqual(
          alarms
            .map((a) => [a.name.replace(/^.*-alarms-/, ""), a.inputs.metricName, a.inputs.statistic ?? a.inputs.extendedStatistic, a.inputs.threshold, a.inputs.period, a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm, a.inputs.treatMissingData])
            .sort((a, b) => order.indexOf(String(a[0])) - order.indexOf(String(b[0]))),
          [
            ["5xx-rate", "5XXError", "Average", 0.02, window.period, window.evaluationPeriods, window.datapointsToAlarm, "notBreaching"],
            ["function-errors", "Errors", "Sum", 0, window.period, window.evaluationPeriods, window.datapointsToAlarm, "notBreaching"],
            ["throttles", "Throttles", "Sum", 0, window.period, window.evaluationPeriods, window.datapointsToAlarm, "notBreaching"],
            ["p99-latency", "Latency", "p99", 1500, window.period, window.evaluationPeriods, window.datapointsToAlarm, "notBreaching"],
          ],
        );
        const names = (plan.outputs.alarmNames as Record<string, Record<string, string>>)[`${target.account}/${target.region}`];
        assert.deepEqual(names, Object.fromEntries(alarms.map((a) => [a.name.replace(/^.*-alarms-/, ""), physicalName(a)])));
      }
    }
  });

  it("warns, in a plan, that prod's pinned release is not in the local store", () => {
    assert.ok(prod.warnings.some((warning) => warning.includes(readStageFile("prod").release) && /not in the local store/.test(warning)), String(prod.warnings));
  });

  it("grants the function role only its own log group, plus X-Ray when tracing is on", () => {
    for (const [plan, targets, tracing] of [[dev, devTargets, false], [prod, prodTargets, true]] as const) {
      for (const target of targets) {
        const role = ofType(plan, "aws:iam/role:Role", target).find((candidate) => candidate.name.endsWith("-function-role"));
        assert.ok(role);
        assert.match(String(role.inputs.namePrefix), new RegExp(`^fleet-${plan.stack}-${target.region}-`));
        // The README's deploy policy may only touch roles under /fleet/, so the deploy role cannot edit itself.
        assert.equal(role.inputs.path, "/fleet/");
        assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement, [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
        const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy", target);
        assert.equal(policies.length, 1, "one inline policy");
        const attached = ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", target).filter((attachment) => attachment.inputs.role === physicalName(role));
        assert.deepEqual(attached, [], "no managed policy attached to the function role");
        const logGroupArn = `arn:aws:logs:${target.region}:${target.account}:log-group:/fleet/${plan.stack}/function`;
        const expected: unknown[] = [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logGroupArn}:*`] }];
        if (tracing) expected.push({ Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: ["*"] });
        assert.deepEqual(JSON.parse(String(policies[0]!.inputs.policy)), { Version: "2012-10-17", Statement: expected });
        // Regression: the function waited for its role but not the role's policy, so first cold starts could not log.
        const fn = one(plan, "aws:lambda/function:Function", target);
        const logGroup = ofType(plan, "aws:cloudwatch/logGroup:LogGroup", target).find((group) => group.inputs.name === `/fleet/${plan.stack}/function`);
        assert.ok(fn.dependencies.includes(policies[0]!.urn), "the function is created after its role's policy");
        assert.ok(logGroup && fn.dependencies.includes(logGroup.urn), "the function is created after its log group");
      }
    }
  });

  it("gives every IAM role it creates its account's fleet permissions boundary (the deploy policy refuses a role without it)", () => {
    for (const plan of [dev, prod, variant]) {
      const roles = ofType(plan, "aws:iam/role:Role");
      assert.ok(roles.length > 0);
      for (const role of roles) assert.equal(role.inputs.permissionsBoundary, boundaryArn(role.account!), role.name);
    }
  });

  it("wires the HTTP API: $default route, payload 2.0 to the live alias, $default stage with throttling, access logs and CORS", () => {
    for (const target of devTargets) {
      const api = one(dev, "aws:apigatewayv2/api:Api", target);
      assert.equal(api.inputs.protocolType, "HTTP");
      assert.deepEqual((api.inputs.corsConfiguration as { allowOrigins: string[] }).allowOrigins, ["http://localhost:3000"]);
      const integration = one(dev, "aws:apigatewayv2/integration:Integration", target);
      assert.equal(integration.inputs.integrationType, "AWS_PROXY");
      assert.equal(integration.inputs.payloadFormatVersion, "2.0");
      assert.match(String(integration.inputs.integrationUri), new RegExp(`^arn:aws:lambda:${target.region}:${target.account}:function:.+:live$`));
      const route = one(dev, "aws:apigatewayv2/route:Route", target);
      assert.equal(route.inputs.routeKey, "$default");
      assert.match(String(route.inputs.target), /^integrations\/.+/);
      const stage = one(dev, "aws:apigatewayv2/stage:Stage", target);
      assert.equal(stage.inputs.name, "$default");
      assert.equal(stage.inputs.autoDeploy, true);
      assert.deepEqual(stage.inputs.defaultRouteSettings, { throttlingRateLimit: 50, throttlingBurstLimit: 100, detailedMetricsEnabled: true });
      const accessLogs = stage.inputs.accessLogSettings as { destinationArn: string; format: string };
      assert.equal(accessLogs.destinationArn, `arn:aws:logs:${target.region}:${target.account}:log-group:/fleet/dev/api-access`);
      assert.equal(JSON.parse(accessLogs.format).status, "$context.status");
      assert.match(String((dev.outputs.endpoints as Record<string, string>)[`${target.account}/${target.region}`]), new RegExp(`^https://[a-z0-9]+\\.execute-api\\.${target.region}\\.amazonaws\\.com/$`));
    }
  });

  it("wires the REST API: ANY / and ANY /{proxy+} as AWS_PROXY to the live alias, binary media, a redeploying deployment, a throttled, logged, traced stage", () => {
    for (const target of prodTargets) {
      const api = one(prod, "aws:apigateway/restApi:RestApi", target);
      assert.deepEqual(api.inputs.binaryMediaTypes, ["*/*"]);
      assert.equal(one(prod, "aws:apigateway/resource:Resource", target).inputs.pathPart, "{proxy+}");
      const methods = ofType(prod, "aws:apigateway/method:Method", target);
      assert.deepEqual(methods.map((method) => method.inputs.httpMethod), ["ANY", "ANY"]);
      const integrations = ofType(prod, "aws:apigateway/integration:Integration", target);
      assert.equal(integrations.length, 2);
      for (const integration of integrations) {
        assert.equal(integration.inputs.type, "AWS_PROXY");
        assert.equal(integration.inputs.integrationHttpMethod, "POST");
        assert.match(String(integration.inputs.uri), new RegExp(`^arn:aws:apigateway:${target.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${target.region}:${target.account}:function:.+:live/invocations$`));
      }
      assert.match(String((one(prod, "aws:apigateway/deployment:Deployment", target).inputs.triggers as { redeployment: string }).redeployment), /^[0-9a-f]{64}$/);
      const stage = one(prod, "aws:apigateway/stage:Stage", target);
      assert.equal(stage.inputs.stageName, "prod");
      const logsRole = ofType(prod, "aws:iam/role:Role", target).find((candidate) => candidate.name.endsWith("-apigw-logs-role"));
      assert.ok(logsRole);
      assert.equal(logsRole.inputs.path, "/fleet/", "the account's CloudWatch role lives under the deploy policy's /fleet/ path");
      // Regression: managedPolicyArns (deprecated in @pulumi/aws v7) warned on every preview; an attachment replaces it.
      const attachment = one(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", target);
      assert.deepEqual(attachment.inputs, { role: physicalName(logsRole), policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" });
      const account = one(prod, "aws:apigateway/account:Account", target);
      assert.ok(account.dependencies.includes(attachment.urn), "the account setting names the role only once its policy is attached");
      // Regression: destroying one REST stage deleted the role the account-wide setting named, stopping the access
      // logs of every other REST stage in that account and region.
      for (const shared of [logsRole, attachment, account]) assert.equal(shared.retainOnDelete, true, `${shared.name} is kept by pulumi destroy`);
      assert.equal(stage.inputs.xrayTracingEnabled, true);
      assert.equal((stage.inputs.accessLogSettings as { destinationArn: string }).destinationArn, `arn:aws:logs:${target.region}:${target.account}:log-group:/fleet/prod/api-access`);
      const settings = one(prod, "aws:apigateway/methodSettings:MethodSettings", target).inputs.settings as Record<string, unknown>;
      assert.equal(settings.throttlingRateLimit, 1000);
      assert.equal(settings.throttlingBurstLimit, 2000);
      assert.match(String((prod.outputs.endpoints as Record<string, string>)[`${target.account}/${target.region}`]), new RegExp(`^https://[a-z0-9]+\\.execute-api\\.${target.region}\\.amazonaws\\.com/prod/$`));
    }
  });

  it("derives the REST deployment's trigger from the real inputs of the API, its resource, methods and integrations", () => {
    for (const target of prodTargets) {
      const prefix = `prod-${target.account}-${target.region}-rest`;
      const named = (suffix: string) => {
        const found = prod.resources.filter((r) => r.name === `${prefix}-${suffix}`);
        assert.equal(found.length, 1, `${prefix}-${suffix}`);
        return found[0]!.inputs;
      };
      const snapshot = ["api", "proxy", "root-any", "root-integration", "proxy-any", "proxy-integration"].map(named);
      const trigger = (one(prod, "aws:apigateway/deployment:Deployment", target).inputs.triggers as { redeployment: string }).redeployment;
      // Regression: the hash covered a hand-written list (routes, integration URI, media types), so a change to
      // anything else in these resources created no new deployment and the stage kept the old snapshot.
      assert.equal(trigger, snapshotHash(snapshot));
    }
    // The hash itself: canonical JSON (keys sorted at every depth, unset values left out, arrays in order), sha256.
    const canonical = '[{"b":1,"c":[{"x":"é","y":[2,1]}],"d":null},"s"]';
    assert.equal(snapshotHash([{ d: null, c: [{ y: [2, 1], x: "é" }], a: undefined, b: 1 }, "s"]), createHash("sha256").update(canonical).digest("hex"));
    // It changes with any input: here the API's description, which names the region.
    const triggers = ofType(prod, "aws:apigateway/deployment:Deployment").map((d) => (d.inputs.triggers as { redeployment: string }).redeployment);
    assert.equal(new Set(triggers).size, prodTargets.length);
  });

  it("scopes each Lambda permission to its own API's execution ARN and the live alias", () => {
    for (const [plan, targets] of [[dev, devTargets], [prod, prodTargets]] as const) {
      for (const target of targets) {
        const permission = one(plan, "aws:lambda/permission:Permission", target);
        const api = ofType(plan, plan === prod ? "aws:apigateway/restApi:RestApi" : "aws:apigatewayv2/api:Api", target)[0]!;
        assert.equal(permission.inputs.sourceArn, `${apiExecutionArn(api, plan)}/*`);
        assert.equal(permission.inputs.principal, "apigateway.amazonaws.com");
        assert.equal(permission.inputs.action, "lambda:InvokeFunction");
        assert.equal(permission.inputs.qualifier, "live");
      }
    }
  });

  it("exports endpoints, release, function names and API ids per target, and url with a domain", () => {
    for (const [plan, targets] of [[dev, devTargets], [prod, prodTargets]] as const) {
      const keys = targets.map((target) => `${target.account}/${target.region}`).sort();
      for (const output of ["endpoints", "functionNames", "apiIds"]) assert.deepEqual(Object.keys(plan.outputs[output] as object).sort(), keys, output);
    }
    assert.equal(prod.outputs.url, "https://api.example.com/");
    assert.equal(dev.outputs.url, undefined);
  });

  it("routes the domain by latency: per region a certificate for the global and the regional name, a mapped custom domain for each, and a latency record in the zone's account", () => {
    for (const target of prodTargets) {
      const regionalName = `${target.region}.api.example.com`;
      const certificate = one(prod, "aws:acm/certificate:Certificate", target);
      assert.equal(certificate.inputs.domainName, "api.example.com");
      assert.deepEqual(certificate.inputs.subjectAlternativeNames, [regionalName], "the regional name is a SAN on the same certificate");
      const domains = ofType(prod, "aws:apigatewayv2/domainName:DomainName", target);
      assert.deepEqual(domains.map((domain) => domain.inputs.domainName).sort(), ["api.example.com", regionalName].sort());
      const domainOf = (host: string) => domains.find((domain) => domain.inputs.domainName === host)!;
      // The custom domains take the certificate from its validation, so API Gateway gets it only once it is issued.
      const validated = one(prod, "aws:acm/certificateValidation:CertificateValidation", target);
      for (const domain of domains) assert.ok(domain.dependencies.includes(validated.urn), `${domain.name} waits for the certificate's validation`);
      const mappingOf = (host: string) => ofType(prod, "aws:apigatewayv2/apiMapping:ApiMapping", target).find((mapping) => mapping.inputs.domainName === host)!;
      for (const host of ["api.example.com", regionalName]) {
        assert.equal(mappingOf(host).inputs.stage, "prod");
        assert.equal(mappingOf(host).inputs.apiId, (prod.outputs.apiIds as Record<string, string>)[`${target.account}/${target.region}`]);
      }
      const aliasTarget = (host: string) => [{ name: `d-${domainOf(host).id}.execute-api.${target.region}.amazonaws.com`, zoneId: "Z2OJLYMUO9EFXC", evaluateTargetHealth: true }];
      const record = prod.resources.find((r) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier === `${target.account}-${target.region}`);
      assert.ok(record, `latency record of ${target.account}/${target.region}`);
      assert.equal(record.account, "222222222222", "records live in the hosted zone's account");
      assert.deepEqual(record.inputs.latencyRoutingPolicies, [{ region: target.region }]);
      assert.equal(record.inputs.name, "api.example.com");
      assert.deepEqual(record.inputs.aliases, aliasTarget("api.example.com"));
      // Regression: the name could resolve to a custom domain that was not mapped to the API yet.
      assert.ok(record.dependencies.includes(mappingOf("api.example.com").urn), "the latency record waits for the global name's mapping");
      const regionalRecord = prod.resources.find((r) => r.type === "aws:route53/record:Record" && r.inputs.name === regionalName && r.inputs.type === "A");
      assert.ok(regionalRecord, `record of ${regionalName}`);
      assert.deepEqual(regionalRecord.inputs.aliases, aliasTarget(regionalName));
      assert.ok(regionalRecord.dependencies.includes(mappingOf(regionalName).urn));
    }
    const validations = prod.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.type === "CNAME");
    assert.equal(validations.length, prodTargets.length * 2, "one validation CNAME per name on each certificate");
    for (const record of validations) {
      assert.equal(record.inputs.allowOverwrite, true);
      // The regions of one account share the global name's CNAME: removing a region must not delete the others' record.
      const global = String(record.inputs.name).endsWith(".api.example.com.") && !/\.[a-z]{2}-[a-z]+-\d\.api\.example\.com\.$/.test(String(record.inputs.name));
      assert.equal(record.retainOnDelete, global, `${record.name} ${global ? "is kept" : "goes"} when its region is removed`);
    }
    assert.equal(ofType(dev, "aws:route53/record:Record").length, 0);
  });

  it("checks each region's health over HTTPS (SNI) on its own host name, through its certificate, custom domain and mapping", () => {
    const health = loadFleetConfig().health;
    for (const target of prodTargets) {
      const regionalName = `${target.region}.api.example.com`;
      const checks = prod.resources.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck" && r.name.startsWith(`prod-${target.account}-${target.region}-`));
      assert.equal(checks.length, 1);
      const check = checks[0]!;
      // Regression: the check requested <apiId>.execute-api…, which stays healthy with a broken certificate, domain or mapping.
      assert.equal(check.inputs.fqdn, regionalName);
      assert.equal(check.inputs.type, "HTTPS");
      assert.equal(check.inputs.enableSni, true);
      assert.equal(check.inputs.port, 443);
      assert.equal(check.inputs.resourcePath, health, "the app's health route (fleet.config.ts), at the root of the custom host");
      const regionalRecord = prod.resources.find((r) => r.type === "aws:route53/record:Record" && r.inputs.name === regionalName && r.inputs.type === "A")!;
      assert.ok(check.dependencies.includes(regionalRecord.urn), "the check starts once its name resolves");
      const latency = prod.resources.find((r) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier === `${target.account}-${target.region}`)!;
      assert.equal(latency.inputs.healthCheckId, check.id, "the record answers only while its region's check is healthy");
    }
    assert.equal(ofType(prod, "aws:route53/healthCheck:HealthCheck").length, prodTargets.length);
  });

  it("puts Route53 records and health checks on one provider of the zone's account that no region change moves", () => {
    const dnsProviders = ofType(prod, "pulumi:providers:aws").filter((provider) => provider.name.endsWith("-dns"));
    assert.equal(dnsProviders.length, 1);
    const dns = dnsProviders[0]!;
    assert.equal(dns.name, "prod-222222222222-dns");
    assert.deepEqual(dns.inputs.allowedAccountIds, ["222222222222"]);
    assert.deepEqual(dns.inputs.assumeRoles, [{ roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", sessionName: "fleet-prod" }]);
    const route53 = (plan: Plan) => plan.resources.filter((r) => r.type.startsWith("aws:route53/"));
    assert.equal(route53(prod).length, prodTargets.length * 5, "per region: two validation records, the regional record, health check, latency record");
    // Regression: the records rode on the zone account's first region's provider; reordering or removing regions
    // moved them to another provider, which replaces them, and a replacement latency record collides with itself.
    for (const plan of [prod, prodReordered]) {
      for (const resource of route53(plan)) assert.equal(resource.provider, dns.urn, `${resource.name} on the DNS provider`);
    }
  });

  it("runs a region listed in fleet:releases on that release and the others on fleet:release", () => {
    const key = "444444444444/ap-northeast-1";
    assert.deepEqual(variant.outputs.releases, { "444444444444/ap-southeast-2": fixture.digest, [key]: WAVE_RELEASE });
    assert.equal(variant.outputs.release, fixture.digest);
    for (const [region, digest] of [["ap-southeast-2", fixture.digest], ["ap-northeast-1", WAVE_RELEASE]] as const) {
      const where = { account: "444444444444", region };
      const fn = one(variant, "aws:lambda/function:Function", where);
      assert.deepEqual(fn.inputs.tags, { release: digest });
      assert.match(String((fn.inputs.code as { archive: string }).archive), new RegExp(`${digest.slice(7)}\\.zip$`));
    }
  });

  it("keeps secrets out of plain inputs and outputs: each secret variable is a secret, the plain ones stay readable, the environment output is secret", () => {
    for (const fn of ofType(variant, "aws:lambda/function:Function")) {
      assert.deepEqual(fn.secretInputs, ["environment.variables.API_TOKEN"]);
      const { variables } = fn.inputs.environment as { variables: Record<string, string> };
      assert.equal(variables.API_TOKEN, "[secret]");
      assert.equal(variables.MODE, "variant");
      assert.equal(variables.FLEET_STAGE, "variant");
      assert.deepEqual(fn.additionalSecretOutputs, ["environment"]);
    }
    for (const fn of ofType(dev, "aws:lambda/function:Function")) assert.deepEqual([fn.secretInputs, fn.additionalSecretOutputs], [[], []]);
    assert.ok(!JSON.stringify(variant).includes(SECRET_VALUE), "the secret value appears in the recorded plan");
    assert.deepEqual(variant.secretOutputs, []);
    assert.match(String((variant.outputs.endpoints as Record<string, string>)["444444444444/ap-southeast-2"]), /\/variant\/$/);
  });

  it("encrypts the environment of every function with secrets with a key of its own stage, account and region that names its role", () => {
    const functions = ofType(variant, "aws:lambda/function:Function");
    const keys = ofType(variant, "aws:kms/key:Key");
    assert.equal(keys.length, functions.length, "one key per function");
    for (const fn of functions) {
      const where = { account: fn.account!, region: fn.region! };
      const key = one(variant, "aws:kms/key:Key", where);
      assert.match(String(fn.inputs.kmsKeyArn), new RegExp(`^arn:aws:kms:${where.region}:${where.account}:key/[0-9a-f-]{36}$`));
      assert.ok(fn.dependencies.includes(key.urn), "the function waits for its key");
      assert.equal(key.inputs.enableKeyRotation, true);
      const role = ofType(variant, "aws:iam/role:Role", where).find((candidate) => candidate.name.endsWith("-function-role"))!;
      const statements = JSON.parse(String(key.inputs.policy)).Statement as { Sid: string; Principal: { AWS: string } }[];
      const decrypters = statements.filter((statement) => statement.Sid === "FunctionRoleDecrypts").map((statement) => statement.Principal.AWS);
      assert.equal(decrypters.length, 1);
      assert.match(decrypters[0]!, new RegExp(`^arn:aws:iam::${where.account}:role/fleet/${String(role.inputs.namePrefix)}`));
      assert.ok(statements.filter((statement) => statement.Sid.startsWith("Deploy")).every((statement) => statement.Principal.AWS === "arn:aws:iam::444444444444:role/fleet-deploy"));
      const rolePolicy = JSON.parse(String(one(variant, "aws:iam/rolePolicy:RolePolicy", where).inputs.policy)) as { Statement: { Action: string[]; Resource: string[] }[] };
      assert.deepEqual(rolePolicy.Statement.find((statement) => statement.Action.includes("kms:Decrypt"))?.Resource, [fn.inputs.kmsKeyArn]);
    }
    for (const plan of [dev, prod]) {
      assert.equal(ofType(plan, "aws:kms/key:Key").length, 0, "no secrets, no key");
      assert.ok(ofType(plan, "aws:lambda/function:Function").every((fn) => fn.inputs.kmsKeyArn === undefined));
    }
  });

  it("stops on every broken cross-key rule with its message and registers no resource", () => {
    assert.deepEqual(badRules.resources, []);
    for (const expected of [
      /fleet:targets\[0\]\.roleArn: is a role in account 999999999999, not in 111111111111/,
      /fleet:targets\[0\]\.regions\[1\]: us-east-1 is listed twice/,
      /fleet:targets\[0\]\.regions\[2\]: is not an AWS region \(got "mars-north-1"\)/,
      /fleet:timeout: 30 s exceeds the rest API's integration timeout of 29 s/,
      /fleet:provisionedConcurrency: 3 on each of the two versions that hold it while live moves \(6\) exceeds fleet:reservedConcurrency \(2\)/,
      /fleet:cors: applies to api: http only/,
      /fleet:release: this stage sets requireRelease: true/,
      /fleet:env\.AWS_REGION: is not a usable variable name/,
      /fleet:domain\.account: 555555555555 is not one of the targets' accounts/,
    ]) {
      assert.match(badRules.message, expected);
    }
    assert.match(badRules.message, /^stack "bad": invalid configuration in Pulumi\.bad\.yaml/);
  });

  it("stops on every malformed value with its message and registers no resource", () => {
    assert.deepEqual(badSchema.resources, []);
    for (const expected of [
      /fleet:targets\[0\]\.account: must be exactly 12 digits/,
      /fleet:targets\[0\]\.roleArn: is not an IAM role ARN/,
      /fleet:memory: is below Lambda's minimum/,
      /fleet:logRetentionDays: is not a retention CloudWatch accepts/,
      /fleet:api: must be rest or http/,
      /fleet:colour: is not a fleet setting/,
    ]) {
      assert.match(badSchema.message, expected);
    }
  });
});
