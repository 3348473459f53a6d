import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { planStack, type Plan, type PlannedResource } from "../../stacks/plan/engine";
import { writeFixtureRelease } from "./fixture-release";

/**
 * The README's deploy-role policy against what the program registers: every create call of every resource type in
 * the dev and prod plans must be allowed, and the role must not be able to change its own permissions.
 * A small IAM evaluator (Allow statements, `*`/`?` globs, StringEquals/StringLike conditions) stands in for AWS.
 */

interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One authorized API call: the action, the ARN IAM evaluates it against (`*` when the action has no resource type), and context keys. */
interface Call {
  action: string;
  resource: string;
  context?: Record<string, string>;
}

function readmePolicy(): Statement[] {
  const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const section = readme.split("Permission policy (`deploy-policy.json`")[1];
  const json = section?.match(/```json\n([\s\S]*?)\n```/)?.[1];
  assert.ok(json, "README has the deploy-policy.json block");
  return (JSON.parse(json) as { Statement: Statement[] }).Statement;
}

function glob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);

function conditionsHold(statement: Statement, context: Record<string, string>): boolean {
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      if (operator === "StringEquals") return list(expected).includes(actual);
      if (operator === "StringLike") return list(expected).some((pattern) => glob(pattern, actual, false));
      throw new Error(`the evaluator does not know condition operator ${operator}`);
    }),
  );
}

function allowed(policy: Statement[], call: Call): boolean {
  return policy.some(
    (statement) =>
      statement.Effect === "Allow" &&
      list(statement.Action).some((action) => glob(action, call.action, true)) &&
      list(statement.Resource).some((resource) => glob(resource, call.resource, false)) &&
      conditionsHold(statement, call.context ?? {}),
  );
}

/** The README's placeholders filled in for one account (and the stage's hosted zone). */
function policyFor(account: string, zone: string): Statement[] {
  return JSON.parse(JSON.stringify(readmePolicy()).replaceAll("<account>", account).replaceAll("<zone>", zone)) as Statement[];
}

/** A resource's physical name; `asMocked`: the suffix the plan's mocks gave it (what other inputs name it by). */
const physical = (r: PlannedResource, asMocked = false) => String(r.inputs.name ?? `${String(r.inputs.namePrefix ?? `${r.name}-`)}${asMocked ? r.id.slice(0, 7) : "x1y2z3a"}`);
const roleArn = (r: PlannedResource) => `arn:aws:iam::${r.account}:role${String(r.inputs.path ?? "/")}${physical(r)}`;

/** The calls the AWS provider makes to create each resource type (tags included: every provider sets defaultTags). */
const createCalls: Record<string, (r: PlannedResource, plan: Plan) => Call[]> = {
  "aws:lambda/function:Function": (r) => {
    const arn = `arn:aws:lambda:${r.region}:${r.account}:function:${physical(r)}`;
    return [
      { action: "lambda:CreateFunction", resource: arn },
      { action: "lambda:TagResource", resource: arn },
      { action: "lambda:PublishVersion", resource: arn },
      { action: "lambda:GetFunction", resource: arn },
      ...(r.inputs.reservedConcurrentExecutions !== undefined ? [{ action: "lambda:PutFunctionConcurrency", resource: arn }] : []),
      { action: "iam:PassRole", resource: String(r.inputs.role), context: { "iam:PassedToService": "lambda.amazonaws.com" } },
    ];
  },
  "aws:lambda/alias:Alias": (r) => [{ action: "lambda:CreateAlias", resource: `arn:aws:lambda:${r.region}:${r.account}:function:${String(r.inputs.functionName)}` }],
  "aws:lambda/permission:Permission": (r) => [
    { action: "lambda:AddPermission", resource: `arn:aws:lambda:${r.region}:${r.account}:function:${String(r.inputs.function)}:${String(r.inputs.qualifier)}` },
  ],
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": (r) => [
    { action: "lambda:PutProvisionedConcurrencyConfig", resource: `arn:aws:lambda:${r.region}:${r.account}:function:${String(r.inputs.functionName)}:${String(r.inputs.qualifier)}` },
  ],
  "aws:cloudwatch/logGroup:LogGroup": (r) => {
    const arn = `arn:aws:logs:${r.region}:${r.account}:log-group:${physical(r)}`;
    return ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"].map((action) => ({ action, resource: arn }));
  },
  "aws:iam/role:Role": (r) => [
    { action: "iam:CreateRole", resource: roleArn(r) },
    { action: "iam:TagRole", resource: roleArn(r) },
  ],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r, plan) => {
    const role = plan.resources.find((candidate) => candidate.type === "aws:iam/role:Role" && candidate.account === r.account && physical(candidate, true) === r.inputs.role);
    assert.ok(role, `role of ${r.name}`);
    return [{ action: "iam:AttachRolePolicy", resource: roleArn(role) }];
  },
  "aws:iam/rolePolicy:RolePolicy": (r, plan) => {
    const role = plan.resources.find((candidate) => candidate.type === "aws:iam/role:Role" && candidate.id === r.inputs.role);
    assert.ok(role, `role of ${r.name}`);
    return [{ action: "iam:PutRolePolicy", resource: roleArn(role) }];
  },
  "aws:apigateway/restApi:RestApi": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/restapis` }],
  "aws:apigateway/resource:Resource": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/resources/x` }],
  "aws:apigateway/method:Method": (r) => [{ action: "apigateway:PUT", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/resources/x/methods/ANY` }],
  "aws:apigateway/integration:Integration": (r) => [
    { action: "apigateway:PUT", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/resources/x/methods/ANY/integration` },
  ],
  "aws:apigateway/deployment:Deployment": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/deployments` }],
  "aws:apigateway/stage:Stage": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/stages` }],
  "aws:apigateway/methodSettings:MethodSettings": (r) => [
    { action: "apigateway:PATCH", resource: `arn:aws:apigateway:${r.region}::/restapis/${String(r.inputs.restApi)}/stages/${String(r.inputs.stageName)}` },
  ],
  "aws:apigateway/account:Account": (r) => [
    { action: "apigateway:PATCH", resource: `arn:aws:apigateway:${r.region}::/account` },
    { action: "iam:PassRole", resource: String(r.inputs.cloudwatchRoleArn), context: { "iam:PassedToService": "apigateway.amazonaws.com" } },
  ],
  "aws:apigatewayv2/api:Api": (r) => [
    { action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/apis` },
    // The first API of an account makes API Gateway create its service-linked role.
    ...serviceLinkedRole(r),
  ],
  "aws:apigatewayv2/integration:Integration": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/apis/${String(r.inputs.apiId)}/integrations` }],
  "aws:apigatewayv2/route:Route": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/apis/${String(r.inputs.apiId)}/routes` }],
  "aws:apigatewayv2/stage:Stage": (r) => [
    { action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/apis/${String(r.inputs.apiId)}/stages` },
    // HTTP API access logs are a CloudWatch Logs delivery the caller sets up.
    ...["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"].map((action) => ({ action, resource: "*" })),
  ],
  "aws:apigatewayv2/domainName:DomainName": (r) => [{ action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/domainnames` }, ...serviceLinkedRole(r)],
  "aws:apigatewayv2/apiMapping:ApiMapping": (r) => [
    { action: "apigateway:POST", resource: `arn:aws:apigateway:${r.region}::/domainnames/${String(r.inputs.domainName)}/apimappings` },
  ],
  "aws:sns/topic:Topic": (r) => {
    const arn = `arn:aws:sns:${r.region}:${r.account}:${physical(r)}`;
    return ["sns:CreateTopic", "sns:TagResource", "sns:GetTopicAttributes"].map((action) => ({ action, resource: arn }));
  },
  "aws:sns/topicSubscription:TopicSubscription": (r) => [{ action: "sns:Subscribe", resource: String(r.inputs.topic) }],
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r) => {
    const arn = `arn:aws:cloudwatch:${r.region}:${r.account}:alarm:${physical(r)}`;
    return ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"].map((action) => ({ action, resource: arn }));
  },
  "aws:acm/certificate:Certificate": (r) => {
    const arn = `arn:aws:acm:${r.region}:${r.account}:certificate/0f1e2d3c`;
    // RequestCertificate has no resource type: IAM evaluates it against "*".
    return [{ action: "acm:RequestCertificate", resource: "*" }, ...["acm:AddTagsToCertificate", "acm:DescribeCertificate"].map((action) => ({ action, resource: arn }))];
  },
  "aws:acm/certificateValidation:CertificateValidation": (r) => [{ action: "acm:DescribeCertificate", resource: `arn:aws:acm:${r.region}:${r.account}:certificate/0f1e2d3c` }],
  "aws:route53/record:Record": (r) => [
    { action: "route53:ChangeResourceRecordSets", resource: `arn:aws:route53:::hostedzone/${String(r.inputs.zoneId)}` },
    { action: "route53:ListResourceRecordSets", resource: `arn:aws:route53:::hostedzone/${String(r.inputs.zoneId)}` },
    { action: "route53:GetChange", resource: "arn:aws:route53:::change/C0123456789" },
  ],
  "aws:route53/healthCheck:HealthCheck": () => [
    { action: "route53:CreateHealthCheck", resource: "*" },
    { action: "route53:ChangeTagsForResource", resource: "arn:aws:route53:::healthcheck/0a1b2c3d" },
  ],
};

function serviceLinkedRole(r: PlannedResource): Call[] {
  return [
    {
      action: "iam:CreateServiceLinkedRole",
      resource: `arn:aws:iam::${r.account}:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway`,
      context: { "iam:AWSServiceName": "ops.apigateway.amazonaws.com" },
    },
  ];
}

describe("README deploy-role policy", function () {
  this.timeout(240_000);
  let fixture: { dir: string; zipPath: string };
  let plans: Plan[];

  before(async () => {
    fixture = await writeFixtureRelease();
    const releaseMode = { kind: "fixture", zipPath: fixture.zipPath } as const;
    plans = await Promise.all([planStack({ stack: "dev", releaseMode }), planStack({ stack: "prod", releaseMode })]);
  });

  after(async () => {
    if (fixture) await rm(fixture.dir, { recursive: true, force: true });
  });

  it("allows every create call of every AWS resource the dev and prod stacks register", () => {
    const denied: string[] = [];
    for (const plan of plans) {
      const zone = String(plan.resources.find((r) => r.type === "aws:route53/record:Record")?.inputs.zoneId ?? "Z0NONE");
      for (const resource of plan.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
        const calls = createCalls[resource.type];
        assert.ok(calls, `${resource.type} is new: add its create calls here and the permissions to the README policy`);
        const policy = policyFor(resource.account!, zone);
        for (const call of calls(resource, plan)) {
          if (!allowed(policy, call)) denied.push(`${plan.stack} ${resource.type}: ${call.action} on ${call.resource}`);
        }
      }
    }
    assert.deepEqual([...new Set(denied)], []);
  });

  it("allows the Lambda calls fleet makes itself through the role: the concurrency preflight and version pruning", () => {
    const policy = policyFor("222222222222", "Z0000000000EXAMPLE");
    const fn = "arn:aws:lambda:us-east-1:222222222222:function:prod-222222222222-us-east-1-function-fn-abc1234";
    // The commands targets/lambda-account.ts sends (GetAccountSettings acts on no resource: IAM evaluates "*").
    const calls: Call[] = [
      { action: "lambda:GetAccountSettings", resource: "*" },
      ...["GetFunctionConcurrency", "ListProvisionedConcurrencyConfigs", "ListVersionsByFunction", "ListAliases"].map((name) => ({ action: `lambda:${name}`, resource: fn })),
      { action: "lambda:DeleteFunction", resource: `${fn}:3` },
    ];
    assert.deepEqual(calls.filter((call) => !allowed(policy, call)).map((call) => call.action), []);
    assert.equal(allowed(policy, { action: "lambda:DeleteFunction", resource: "arn:aws:lambda:us-east-1:999999999999:function:other" }), false, "another account's functions");
  });

  it("does not let the deploy role change its own permissions or other log groups (fleet's live under /fleet/)", () => {
    const policy = policyFor("222222222222", "Z0000000000EXAMPLE");
    const self = "arn:aws:iam::222222222222:role/fleet-deploy";
    for (const action of ["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"]) {
      assert.equal(allowed(policy, { action, resource: self }), false, `${action} on the deploy role itself`);
    }
    assert.equal(allowed(policy, { action: "iam:PassRole", resource: self, context: { "iam:PassedToService": "lambda.amazonaws.com" } }), false);
    assert.equal(allowed(policy, { action: "logs:DeleteLogGroup", resource: "arn:aws:logs:us-east-1:222222222222:log-group:/aws/cloudtrail/org" }), false, "log groups fleet does not own");
    // …while the evaluator does grant the same actions on a program role, so the checks above can fail.
    assert.equal(allowed(policy, { action: "iam:PutRolePolicy", resource: "arn:aws:iam::222222222222:role/fleet/fleet-prod-us-east-1-abc" }), true);
  });
});
