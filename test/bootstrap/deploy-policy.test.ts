import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { planBootstrap } from "../../bootstrap/plan";
import { readStageFileValues } from "../../core/stage-file";
import { planStack, type Plan, type PlannedResource } from "../../stacks/plan/engine";
import { writeFixtureRelease } from "../stacks/fixture-release";
import { decide, sessionOf, withoutConditions, type Call, type Caller, type Decision } from "./simulate";

/**
 * The bootstrap's generated policies under a real IAM policy simulator (@cloud-copilot/iam-simulate): every call
 * `pulumi up` makes to create, update or delete what the dev and prod plans register (each also with a secret, so
 * the KMS key is in it) is allowed for the deploy role of its account; the escalations the deploy policy exists to
 * stop are denied; and each denial has a negative control, the same call allowed once the condition is gone.
 *
 * The policies are those the bootstrap plan records (its RolePolicy, Policy and Role inputs), the calls are
 * derived from the stacks' recorded resources: their ARNs, their tags, their permissions boundary. Which API calls
 * the AWS provider makes per resource type is written out below from terraform-provider-aws's create, read,
 * update and delete functions: it is a model of the provider, checked against no real account.
 */

const SECRET = "s3cr3t-value-for-the-policy-test";

/** A resource's physical name as the mocks (and Pulumi's auto-naming) make it: its name, or its prefix/logical name and a suffix. */
const physical = (r: PlannedResource) => String(r.inputs.name ?? `${String(r.inputs.namePrefix ?? `${r.name}-`)}${r.id.slice(0, 7)}`);
const roleArn = (r: PlannedResource) => `arn:aws:iam::${r.account}:role${String(r.inputs.path ?? "/")}${physical(r)}`;
const functionArn = (r: PlannedResource, name: string) => `arn:aws:lambda:${r.region}:${r.account}:function:${name}`;
const api = (r: PlannedResource, path: string) => `arn:aws:apigateway:${r.region}::${path}`;

/** Tags every resource carries (the providers' defaultTags): creating with tags is a condition-checked request. */
const tagged = (plan: Plan, r: PlannedResource) => ({ "aws:RequestTag/app": "fleet", "aws:RequestTag/stage": plan.stack, "aws:TagKeys": ["app", "stage", "release"] });

/** The calls of one resource, and the key policy the KMS ones are evaluated against. */
interface ResourceCalls {
  create: Call[];
  update: Call[];
  delete: Call[];
  keyPolicy?: unknown;
}

type CallsOf = (r: PlannedResource, plan: Plan) => ResourceCalls;

const lifecycle = (create: Call[], update: Call[], remove: Call[]): ResourceCalls => ({ create, update, delete: remove });
const on = (resource: string, ...actions: string[]): Call[] => actions.map((action) => ({ action, resource }));

function roleOf(plan: Plan, id: unknown): PlannedResource {
  const role = plan.resources.find((candidate) => candidate.type === "aws:iam/role:Role" && (candidate.id === id || physical(candidate) === id || roleArn(candidate) === id));
  assert.ok(role, `no role ${String(id)} in the plan`);
  return role;
}

function keyOf(plan: Plan, arn: unknown): PlannedResource {
  const key = plan.resources.find((candidate) => candidate.type === "aws:kms/key:Key" && String(arn).startsWith(`arn:aws:kms:${candidate.region}:${candidate.account}:key/`));
  assert.ok(key, `no key ${String(arn)} in the plan`);
  return key;
}

/** The boundary context of a call on a role: the boundary the recorded role carries (none when it has none). */
const boundaryOf = (role: PlannedResource) => ({ "iam:PermissionsBoundary": role.inputs.permissionsBoundary as string | undefined });

const calls: Record<string, CallsOf> = {
  "aws:lambda/function:Function": (r, plan) => {
    const arn = functionArn(r, physical(r));
    const role = roleOf(plan, r.inputs.role);
    const pass: Call = { action: "iam:PassRole", resource: roleArn(role), context: { "iam:PassedToService": "lambda.amazonaws.com" } };
    const reads = on(arn, "lambda:GetFunction", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:ListTags", "lambda:GetFunctionConcurrency");
    const key = r.inputs.kmsKeyArn ? String(r.inputs.kmsKeyArn) : undefined;
    const throughLambda = { "kms:ViaService": `lambda.${r.region}.amazonaws.com` };
    // Lambda encrypts the environment and grants the function's role with the caller's permission, and decrypts
    // it for the caller when the provider reads the function back.
    const kms: Call[] = key
      ? [
          { action: "kms:Encrypt", resource: key, context: throughLambda },
          { action: "kms:CreateGrant", resource: key, context: { ...throughLambda, "kms:GrantIsForAWSResource": "true" } },
          { action: "kms:Decrypt", resource: key, context: throughLambda },
        ]
      : [];
    return {
      create: [{ action: "lambda:CreateFunction", resource: arn, context: tagged(plan, r) }, { action: "lambda:TagResource", resource: arn, context: tagged(plan, r) }, pass, ...kms, ...on(arn, "lambda:PublishVersion", "lambda:PutFunctionConcurrency"), ...reads],
      update: [
        ...on(arn, "lambda:UpdateFunctionConfiguration", "lambda:UpdateFunctionCode", "lambda:PublishVersion", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:UntagResource", "lambda:GetFunctionConfiguration"),
        { action: "lambda:TagResource", resource: arn, context: { "aws:RequestTag/release": "sha256:0", "aws:TagKeys": ["release"] } },
        pass,
        ...kms,
        ...reads,
      ],
      delete: on(arn, "lambda:DeleteFunction"),
      keyPolicy: key ? JSON.parse(String(keyOf(plan, key).inputs.policy)) : undefined,
    };
  },
  "aws:lambda/alias:Alias": (r) => {
    const fn = functionArn(r, String(r.inputs.functionName));
    return lifecycle(on(fn, "lambda:CreateAlias", "lambda:GetAlias"), on(fn, "lambda:UpdateAlias", "lambda:GetAlias"), on(fn, "lambda:DeleteAlias"));
  },
  "aws:lambda/permission:Permission": (r) => {
    const fn = functionArn(r, String(r.inputs.function));
    return lifecycle(
      [{ action: "lambda:AddPermission", resource: `${fn}:${String(r.inputs.qualifier)}`, context: { "lambda:Principal": String(r.inputs.principal) } }, ...on(`${fn}:${String(r.inputs.qualifier)}`, "lambda:GetPolicy")],
      [],
      on(`${fn}:${String(r.inputs.qualifier)}`, "lambda:RemovePermission"),
    );
  },
  "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig": (r) => {
    const alias = `${functionArn(r, String(r.inputs.functionName))}:${String(r.inputs.qualifier)}`;
    return lifecycle(
      on(alias, "lambda:PutProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig"),
      on(alias, "lambda:PutProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig"),
      on(alias, "lambda:DeleteProvisionedConcurrencyConfig"),
    );
  },
  "aws:cloudwatch/logGroup:LogGroup": (r, plan) => {
    const arn = `arn:aws:logs:${r.region}:${r.account}:log-group:${physical(r)}`;
    return lifecycle(
      [{ action: "logs:CreateLogGroup", resource: arn, context: tagged(plan, r) }, ...on(arn, "logs:PutRetentionPolicy", "logs:ListTagsForResource"), { action: "logs:DescribeLogGroups", resource: "*" }],
      [...on(arn, "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:UntagResource"), { action: "logs:TagResource", resource: arn, context: { "aws:RequestTag/release": "sha256:0", "aws:TagKeys": ["release"] } }],
      on(arn, "logs:DeleteLogGroup"),
    );
  },
  "aws:iam/role:Role": (r, plan) => {
    const arn = roleArn(r);
    const boundary = boundaryOf(r);
    const attach = ((r.inputs.managedPolicyArns as string[] | undefined) ?? []).map((policy) => ({ action: "iam:AttachRolePolicy", resource: arn, context: { ...boundary, "iam:PolicyARN": policy } }));
    const detach = attach.map((call) => ({ ...call, action: "iam:DetachRolePolicy" }));
    const reads = on(arn, "iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies");
    return lifecycle(
      [{ action: "iam:CreateRole", resource: arn, context: { ...boundary, ...tagged(plan, r) } }, { action: "iam:TagRole", resource: arn, context: tagged(plan, r) }, ...attach, ...reads],
      [
        ...["iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateRole"].map((action) => ({ action, resource: arn, context: boundary })),
        { action: "iam:TagRole", resource: arn, context: { "aws:RequestTag/release": "sha256:0", "aws:TagKeys": ["release"] } },
        ...on(arn, "iam:UntagRole"),
        ...attach,
        ...detach,
        ...reads,
      ],
      [...detach, ...on(arn, "iam:ListInstanceProfilesForRole"), { action: "iam:DeleteRole", resource: arn, context: boundary }],
    );
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (r, plan) => {
    const role = roleOf(plan, r.inputs.role);
    const attach: Call = { action: "iam:AttachRolePolicy", resource: roleArn(role), context: { ...boundaryOf(role), "iam:PolicyARN": String(r.inputs.policyArn) } };
    return lifecycle([attach, ...on(roleArn(role), "iam:ListAttachedRolePolicies")], [], [{ ...attach, action: "iam:DetachRolePolicy" }]);
  },
  "aws:iam/rolePolicy:RolePolicy": (r, plan) => {
    const role = roleOf(plan, r.inputs.role);
    const put: Call = { action: "iam:PutRolePolicy", resource: roleArn(role), context: boundaryOf(role) };
    return lifecycle([put, ...on(roleArn(role), "iam:GetRolePolicy")], [put], [{ action: "iam:DeleteRolePolicy", resource: roleArn(role), context: boundaryOf(role) }]);
  },
  "aws:kms/key:Key": (r, plan) => {
    const key = `arn:aws:kms:${r.region}:${r.account}:key/0f1e2d3c-0000-4000-8000-00000000cafe`;
    const reads = on(key, "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags");
    return {
      create: [
        {
          action: "kms:CreateKey",
          resource: "*",
          context: { ...tagged(plan, r), "kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS", "kms:MultiRegion": "false", "kms:BypassPolicyLockoutSafetyCheck": "false" },
        },
        { action: "kms:TagResource", resource: key, context: tagged(plan, r) },
        ...on(key, "kms:EnableKeyRotation"),
        ...reads,
      ],
      update: [
        { action: "kms:PutKeyPolicy", resource: key, context: { "kms:BypassPolicyLockoutSafetyCheck": "false" } },
        ...on(key, "kms:UpdateKeyDescription", "kms:EnableKeyRotation", "kms:UntagResource"),
        { action: "kms:TagResource", resource: key, context: { "aws:RequestTag/release": "sha256:0", "aws:TagKeys": ["release"] } },
        ...reads,
      ],
      delete: on(key, "kms:ScheduleKeyDeletion"),
      keyPolicy: JSON.parse(String(r.inputs.policy)),
    };
  },
  "aws:apigateway/restApi:RestApi": (r, plan) =>
    lifecycle(
      [{ action: "apigateway:POST", resource: api(r, "/restapis"), context: tagged(plan, r) }, ...on(api(r, `/restapis/${r.id}`), "apigateway:GET"), ...on(api(r, `/restapis/${r.id}/resources`), "apigateway:GET")],
      on(api(r, `/restapis/${r.id}`), "apigateway:PATCH", "apigateway:PUT", "apigateway:GET"),
      on(api(r, `/restapis/${r.id}`), "apigateway:DELETE"),
    ),
  "aws:apigateway/resource:Resource": (r) => {
    const path = `/restapis/${String(r.inputs.restApi)}/resources`;
    return lifecycle([...on(api(r, `${path}/${String(r.inputs.parentId)}`), "apigateway:POST"), ...on(api(r, `${path}/${r.id}`), "apigateway:GET")], on(api(r, `${path}/${r.id}`), "apigateway:PATCH"), on(api(r, `${path}/${r.id}`), "apigateway:DELETE"));
  },
  "aws:apigateway/method:Method": (r) => {
    const method = api(r, `/restapis/${String(r.inputs.restApi)}/resources/${String(r.inputs.resourceId)}/methods/${String(r.inputs.httpMethod)}`);
    return lifecycle(on(method, "apigateway:PUT", "apigateway:GET"), on(method, "apigateway:PATCH"), on(method, "apigateway:DELETE"));
  },
  "aws:apigateway/integration:Integration": (r) => {
    const integration = api(r, `/restapis/${String(r.inputs.restApi)}/resources/${String(r.inputs.resourceId)}/methods/${String(r.inputs.httpMethod)}/integration`);
    return lifecycle(on(integration, "apigateway:PUT", "apigateway:GET"), on(integration, "apigateway:PATCH", "apigateway:PUT"), on(integration, "apigateway:DELETE"));
  },
  "aws:apigateway/deployment:Deployment": (r) => {
    const deployments = `/restapis/${String(r.inputs.restApi)}/deployments`;
    return lifecycle([...on(api(r, deployments), "apigateway:POST"), ...on(api(r, `${deployments}/${r.id}`), "apigateway:GET")], on(api(r, `${deployments}/${r.id}`), "apigateway:PATCH"), on(api(r, `${deployments}/${r.id}`), "apigateway:DELETE"));
  },
  "aws:apigateway/stage:Stage": (r, plan) => {
    const stages = `/restapis/${String(r.inputs.restApi)}/stages`;
    const stage = api(r, `${stages}/${String(r.inputs.stageName)}`);
    return lifecycle(
      [{ action: "apigateway:POST", resource: api(r, stages), context: tagged(plan, r) }, ...on(stage, "apigateway:GET")],
      [...on(stage, "apigateway:PATCH", "apigateway:GET"), ...on(api(r, `/tags/${encodeURIComponent(stage)}`), "apigateway:PUT", "apigateway:DELETE")],
      on(stage, "apigateway:DELETE"),
    );
  },
  "aws:apigateway/methodSettings:MethodSettings": (r) => {
    const stage = api(r, `/restapis/${String(r.inputs.restApi)}/stages/${String(r.inputs.stageName)}`);
    return lifecycle(on(stage, "apigateway:PATCH", "apigateway:GET"), on(stage, "apigateway:PATCH"), on(stage, "apigateway:PATCH"));
  },
  "aws:apigateway/account:Account": (r, plan) => {
    const pass: Call = { action: "iam:PassRole", resource: roleArn(roleOf(plan, r.inputs.cloudwatchRoleArn)), context: { "iam:PassedToService": "apigateway.amazonaws.com" } };
    return lifecycle([...on(api(r, "/account"), "apigateway:PATCH", "apigateway:GET"), pass], [...on(api(r, "/account"), "apigateway:PATCH"), pass], []);
  },
  "aws:apigatewayv2/api:Api": (r, plan) =>
    lifecycle(
      // The first API of an account makes API Gateway create its service-linked role.
      [{ action: "apigateway:POST", resource: api(r, "/apis"), context: tagged(plan, r) }, ...on(api(r, `/apis/${r.id}`), "apigateway:GET"), serviceLinkedRole(r)],
      [...on(api(r, `/apis/${r.id}`), "apigateway:PATCH", "apigateway:GET"), ...on(api(r, `/apis/${r.id}/cors`), "apigateway:DELETE")],
      on(api(r, `/apis/${r.id}`), "apigateway:DELETE"),
    ),
  "aws:apigatewayv2/integration:Integration": (r) => {
    const integrations = `/apis/${String(r.inputs.apiId)}/integrations`;
    return lifecycle([...on(api(r, integrations), "apigateway:POST"), ...on(api(r, `${integrations}/${r.id}`), "apigateway:GET")], on(api(r, `${integrations}/${r.id}`), "apigateway:PATCH"), on(api(r, `${integrations}/${r.id}`), "apigateway:DELETE"));
  },
  "aws:apigatewayv2/route:Route": (r) => {
    const routes = `/apis/${String(r.inputs.apiId)}/routes`;
    return lifecycle([...on(api(r, routes), "apigateway:POST"), ...on(api(r, `${routes}/${r.id}`), "apigateway:GET")], on(api(r, `${routes}/${r.id}`), "apigateway:PATCH"), on(api(r, `${routes}/${r.id}`), "apigateway:DELETE"));
  },
  "aws:apigatewayv2/stage:Stage": (r, plan) => {
    const stage = api(r, `/apis/${String(r.inputs.apiId)}/stages/${String(r.inputs.name)}`);
    // HTTP API access logs are a CloudWatch Logs delivery the caller sets up.
    const delivery = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"];
    return lifecycle(
      [{ action: "apigateway:POST", resource: api(r, `/apis/${String(r.inputs.apiId)}/stages`), context: tagged(plan, r) }, ...on(stage, "apigateway:GET"), ...on("*", ...delivery)],
      [...on(stage, "apigateway:PATCH", "apigateway:GET"), ...on("*", ...delivery)],
      [...on(stage, "apigateway:DELETE"), ...on("*", "logs:DeleteLogDelivery")],
    );
  },
  "aws:apigatewayv2/domainName:DomainName": (r, plan) => {
    const domain = api(r, `/domainnames/${String(r.inputs.domainName)}`);
    return lifecycle([{ action: "apigateway:POST", resource: api(r, "/domainnames"), context: tagged(plan, r) }, ...on(domain, "apigateway:GET"), serviceLinkedRole(r)], on(domain, "apigateway:PATCH", "apigateway:GET"), on(domain, "apigateway:DELETE"));
  },
  "aws:apigatewayv2/apiMapping:ApiMapping": (r) => {
    const mappings = `/domainnames/${String(r.inputs.domainName)}/apimappings`;
    return lifecycle([...on(api(r, mappings), "apigateway:POST"), ...on(api(r, `${mappings}/${r.id}`), "apigateway:GET")], on(api(r, `${mappings}/${r.id}`), "apigateway:PATCH"), on(api(r, `${mappings}/${r.id}`), "apigateway:DELETE"));
  },
  "aws:sns/topic:Topic": (r, plan) => {
    const arn = `arn:aws:sns:${r.region}:${r.account}:${physical(r)}`;
    return lifecycle(
      [{ action: "sns:CreateTopic", resource: arn, context: tagged(plan, r) }, { action: "sns:TagResource", resource: arn, context: tagged(plan, r) }, ...on(arn, "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:ListTagsForResource")],
      on(arn, "sns:SetTopicAttributes", "sns:GetTopicAttributes", "sns:UntagResource"),
      on(arn, "sns:DeleteTopic"),
    );
  },
  "aws:sns/topicSubscription:TopicSubscription": (r) => {
    const topic = String(r.inputs.topic);
    return lifecycle(
      [{ action: "sns:Subscribe", resource: topic, context: { "sns:Protocol": String(r.inputs.protocol), "sns:Endpoint": String(r.inputs.endpoint) } }, ...on(topic, "sns:GetSubscriptionAttributes")],
      on(topic, "sns:SetSubscriptionAttributes", "sns:GetSubscriptionAttributes"),
      on(topic, "sns:Unsubscribe"),
    );
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (r, plan) => {
    const arn = `arn:aws:cloudwatch:${r.region}:${r.account}:alarm:${physical(r)}`;
    return lifecycle(
      [{ action: "cloudwatch:PutMetricAlarm", resource: arn, context: tagged(plan, r) }, ...on(arn, "cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource")],
      [...on(arn, "cloudwatch:PutMetricAlarm", "cloudwatch:UntagResource"), { action: "cloudwatch:TagResource", resource: arn, context: { "aws:RequestTag/release": "sha256:0", "aws:TagKeys": ["release"] } }],
      on(arn, "cloudwatch:DeleteAlarms"),
    );
  },
  "aws:acm/certificate:Certificate": (r, plan) => {
    const arn = `arn:aws:acm:${r.region}:${r.account}:certificate/0f1e2d3c-0000-4000-8000-00000000beef`;
    return lifecycle(
      [
        // RequestCertificate makes the certificate: it has no ARN to be checked against yet.
        { action: "acm:RequestCertificate", resource: "*", context: { ...tagged(plan, r), "acm:DomainNames": [String(r.inputs.domainName)], "acm:ValidationMethod": String(r.inputs.validationMethod) } },
        ...on(arn, "acm:DescribeCertificate", "acm:ListTagsForCertificate"),
      ],
      on(arn, "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:DescribeCertificate"),
      on(arn, "acm:DeleteCertificate"),
    );
  },
  "aws:acm/certificateValidation:CertificateValidation": (r) => lifecycle(on(String(r.inputs.certificateArn), "acm:DescribeCertificate"), [], []),
  "aws:route53/record:Record": (r) => {
    const zone = `arn:aws:route53:::hostedzone/${String(r.inputs.zoneId)}`;
    const change = (action: string): Call => ({
      action: "route53:ChangeResourceRecordSets",
      resource: zone,
      context: {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [String(r.inputs.name).toLowerCase().replace(/\.$/, "")],
        "route53:ChangeResourceRecordSetsRecordTypes": [String(r.inputs.type)],
        "route53:ChangeResourceRecordSetsActions": [action],
      },
    });
    const wait = on("arn:aws:route53:::change/C0123456789ABCDEF", "route53:GetChange");
    return lifecycle([change("CREATE"), ...wait, ...on(zone, "route53:ListResourceRecordSets", "route53:GetHostedZone")], [change("UPSERT"), ...wait], [change("DELETE"), ...wait]);
  },
  "aws:route53/healthCheck:HealthCheck": (r) => {
    const check = `arn:aws:route53:::healthcheck/${r.id}`;
    return lifecycle(
      [{ action: "route53:CreateHealthCheck", resource: "*" }, ...on(check, "route53:ChangeTagsForResource", "route53:GetHealthCheck", "route53:ListTagsForResource")],
      on(check, "route53:UpdateHealthCheck", "route53:ChangeTagsForResource", "route53:GetHealthCheck"),
      on(check, "route53:DeleteHealthCheck"),
    );
  },
};

function serviceLinkedRole(r: PlannedResource): Call {
  return {
    action: "iam:CreateServiceLinkedRole",
    resource: `arn:aws:iam::${r.account}:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway`,
    context: { "iam:AWSServiceName": "ops.apigateway.amazonaws.com" },
  };
}

/** A stage file's values with one secret added: the stack as `pulumi up` runs it once someone sets a secret. */
function withSecret(stack: string) {
  return { values: { ...readStageFileValues(stack).values, secrets: { API_TOKEN: SECRET } }, secretKeys: ["fleet:secrets"] };
}

describe("the generated deploy policy, boundary and key policies under the IAM simulator", function () {
  this.timeout(240_000);
  let fixture: { dir: string; zipPath: string };
  let plans: Plan[];
  /** Per account: the deploy policy, the boundary and the deploy role's trust policy, as the bootstrap plan records them. */
  const bootstrapped = new Map<string, { deployPolicy: PolicyDocument; boundary: PolicyDocument; trust: PolicyDocument; roleArn: string }>();

  before(async () => {
    fixture = await writeFixtureRelease();
    const releaseMode = { kind: "fixture", zipPath: fixture.zipPath } as const;
    let bootstrap: Plan;
    [bootstrap, ...plans] = await Promise.all([
      planBootstrap("accounts"),
      planStack({ stack: "dev", releaseMode }),
      planStack({ stack: "prod", releaseMode }),
      planStack({ stack: "dev", releaseMode, config: withSecret("dev") }),
      planStack({ stack: "prod", releaseMode, config: withSecret("prod") }),
    ]);
    for (const role of bootstrap.resources.filter((r) => r.type === "aws:iam/role:Role")) {
      const of = (type: string) => bootstrap.resources.find((r) => r.type === type && r.account === role.account)!;
      bootstrapped.set(role.account!, {
        deployPolicy: JSON.parse(String(of("aws:iam/rolePolicy:RolePolicy").inputs.policy)),
        boundary: JSON.parse(String(of("aws:iam/policy:Policy").inputs.policy)),
        trust: JSON.parse(String(role.inputs.assumeRolePolicy)),
        roleArn: roleArn(role),
      });
    }
  });

  after(async () => {
    if (fixture) await rm(fixture.dir, { recursive: true, force: true });
  });

  /** The deploy role's session in `account`, as every provider of `stage` opens it. */
  function deployRole(account: string, stage: string, policy?: PolicyDocument): Caller {
    const { deployPolicy, roleArn: arn } = bootstrapped.get(account)!;
    return { principal: sessionOf(arn, `fleet-${stage}`), identity: [policy ?? deployPolicy] };
  }

  it("allows every create, update and delete call of every AWS resource the dev and prod plans register, with and without secrets", async () => {
    const denied: string[] = [];
    const seen = new Set<string>();
    let checked = 0;
    for (const plan of plans) {
      for (const resource of plan.resources.filter((r) => r.custom && r.type.startsWith("aws:"))) {
        const of = calls[resource.type];
        assert.ok(of, `${resource.type} is new: add the calls the provider makes for it here, and their permissions to bootstrap/policies/deploy-policy.ts`);
        const { create, update, delete: remove, keyPolicy } = of(resource, plan);
        for (const call of [...create, ...update, ...remove]) {
          const resourcePolicy = call.action.startsWith("kms:") ? keyPolicy : undefined;
          // The same call of the same role under the same policies (another region's log lookups, a re-read) once.
          const key = JSON.stringify([resource.account, plan.stack, call, resourcePolicy]);
          if (seen.has(key)) continue;
          seen.add(key);
          const decision = await decide(call, deployRole(resource.account!, plan.stack), resourcePolicy);
          checked++;
          if (decision !== "Allowed") denied.push(`${plan.stack} ${resource.type}: ${call.action} on ${call.resource} ${decision}`);
        }
      }
    }
    assert.deepEqual([...new Set(denied)], []);
    assert.ok(checked > 500, `only ${checked} distinct calls checked`);
  });

  it("allows the calls fleet makes itself through the deploy role: the concurrency preflight, version pruning, fleet invoke, the alarms it reads while baking, and the function logs fleet logs reads", async () => {
    for (const plan of plans.slice(0, 2)) {
      for (const resource of plan.resources.filter((r) => r.type === "aws:lambda/function:Function")) {
        const fn = functionArn(resource, physical(resource));
        // The commands targets/lambda-account.ts sends.
        const fleetCalls: Call[] = [
          { action: "lambda:GetAccountSettings", resource: "*" },
          ...on(fn, "lambda:GetFunctionConcurrency", "lambda:ListProvisionedConcurrencyConfigs", "lambda:ListVersionsByFunction", "lambda:ListAliases"),
          ...on(`${fn}:3`, "lambda:DeleteFunction"),
          // fleet invoke: Invoke on the live alias.
          ...on(`${fn}:live`, "lambda:InvokeFunction"),
        ];
        for (const call of fleetCalls) assert.equal(await decide(call, deployRole(resource.account!, plan.stack)), "Allowed", `${call.action} on ${call.resource}`);
      }
      // targets/cloudwatch-alarms.ts: DescribeAlarms by the names the stack outputs (alarmNames).
      for (const names of Object.values(plan.outputs.alarmNames as Record<string, Record<string, string>>)) {
        const alarms = plan.resources.filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && Object.values(names).includes(physical(r)));
        assert.equal(alarms.length, 4, "the outputs name the region's four alarms");
        for (const alarm of alarms) {
          const call = on(`arn:aws:cloudwatch:${alarm.region}:${alarm.account}:alarm:${physical(alarm)}`, "cloudwatch:DescribeAlarms")[0]!;
          assert.equal(await decide(call, deployRole(alarm.account!, plan.stack)), "Allowed", call.resource);
        }
      }
      // targets/cloudwatch-logs.ts (fleet logs): FilterLogEvents on each region's function log group, no other's.
      const groups = plan.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup" && r.inputs.name === `/fleet/${plan.stack}/function`);
      assert.ok(groups.length > 0, "the plan has the function log groups");
      for (const group of groups) {
        const call = (name: string) => on(`arn:aws:logs:${group.region}:${group.account}:log-group:${name}:*`, "logs:FilterLogEvents")[0]!;
        assert.equal(await decide(call(group.inputs.name as string), deployRole(group.account!, plan.stack)), "Allowed", `FilterLogEvents on ${group.inputs.name}`);
        assert.equal(await decide(call("/aws/lambda/other"), deployRole(group.account!, plan.stack)), "ImplicitlyDenied", "FilterLogEvents on a log group not fleet's");
      }
    }
  });

  it("lets CI's session in a stage's first account assume every provider's deploy role of the stage, in fleet-* sessions only", async () => {
    for (const plan of plans.slice(0, 2)) {
      const providers = plan.resources.filter((r) => r.type === "pulumi:providers:aws");
      const entry = (providers[0]!.inputs.assumeRoles as { roleArn: string }[])[0]!.roleArn;
      const ci: Caller = { principal: sessionOf(entry, "fleet-ci-1234"), identity: [bootstrapped.get(entry.split(":")[4]!)!.deployPolicy] };
      for (const provider of providers) {
        const [{ roleArn: target, sessionName }] = provider.inputs.assumeRoles as { roleArn: string; sessionName: string }[] as [{ roleArn: string; sessionName: string }];
        const trust = bootstrapped.get(target.split(":")[4]!)!.trust;
        const call = (session: string): Call => ({ action: "sts:AssumeRole", resource: target, context: { "sts:RoleSessionName": session, "aws:PrincipalArn": entry } });
        assert.equal(await decide(call(sessionName), ci, trust), "Allowed", `${plan.stack}: ${entry} assumes ${target} as ${sessionName}`);
        // Both sides hold sessions to fleet-*: the trust even for a caller whose own policy would allow any name,
        // the deploy policy even under a trust that would.
        const looseCi = { ...ci, identity: ci.identity.map((policy) => withoutConditions(policy as PolicyDocument)) };
        assert.equal(await decide(call("admin"), looseCi, trust), "ImplicitlyDenied", `the trust of ${target}: a session not named fleet-*`);
        assert.equal(await decide(call("admin"), ci, withoutConditions(trust)), "ImplicitlyDenied", `the deploy policy of ${entry}: a session not named fleet-*`);
        assert.equal(await decide(call("admin"), looseCi, withoutConditions(trust)), "Allowed", "negative control: the same call without the session-name conditions");
      }
    }
  });

  describe("denies what the deploy role must never do (and, as a negative control, allows it without the condition)", () => {
    const account = "222222222222";
    const boundary = "arn:aws:iam::222222222222:policy/fleet-boundary";
    const fleetRole = "arn:aws:iam::222222222222:role/fleet/fleet-prod-us-east-1-x1y2z3a";
    const cases: [what: string, call: Call][] = [
      ["create a role without the boundary", { action: "iam:CreateRole", resource: fleetRole }],
      ["create a role with another boundary", { action: "iam:CreateRole", resource: fleetRole, context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" } }],
      ["change a role's boundary", { action: "iam:PutRolePermissionsBoundary", resource: fleetRole, context: { "iam:PermissionsBoundary": "arn:aws:iam::222222222222:policy/wide-open" } }],
      ["remove a role's boundary", { action: "iam:DeleteRolePermissionsBoundary", resource: fleetRole, context: { "iam:PermissionsBoundary": boundary } }],
      ["attach AdministratorAccess to a fleet role", { action: "iam:AttachRolePolicy", resource: fleetRole, context: { "iam:PermissionsBoundary": boundary, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } }],
      ["write an inline policy into a role without the boundary", { action: "iam:PutRolePolicy", resource: fleetRole }],
      ["change the boundary policy itself", { action: "iam:CreatePolicyVersion", resource: boundary }],
      ["change its own permissions", { action: "iam:PutRolePolicy", resource: "arn:aws:iam::222222222222:role/fleet-deploy" }],
      ["take over a function that is not fleet's", { action: "lambda:UpdateFunctionCode", resource: "arn:aws:lambda:us-east-1:222222222222:function:payments-api" }],
      ["change another team's topic", { action: "sns:SetTopicAttributes", resource: "arn:aws:sns:us-east-1:222222222222:billing-alerts" }],
      ["delete a log group fleet does not own", { action: "logs:DeleteLogGroup", resource: "arn:aws:logs:us-east-1:222222222222:log-group:/aws/cloudtrail/org" }],
    ];
    for (const [what, call] of cases) {
      it(`${what}: ${call.action}`, async () => {
        assert.notEqual(await decide(call, deployRole(account, "prod")), "Allowed");
        // The control: the deploy policy without its conditions and Deny statements, and with fleet's names
        // widened to anything (the README's pasted policy allowed function:* and role/fleet/*).
        const loose = JSON.parse(JSON.stringify(withoutConditions(bootstrapped.get(account)!.deployPolicy)).replaceAll("prod-222222222222-*", "*").replaceAll("role/fleet/fleet-prod-*", "role/*").replaceAll("/fleet/prod/*", "*"));
        loose.Statement.push({ Effect: "Allow", Action: ["iam:DeleteRolePermissionsBoundary", "iam:CreatePolicyVersion"], Resource: "*" });
        assert.equal(await decide(call, deployRole(account, "prod", loose)), "Allowed", `negative control: ${call.action} allowed without the conditions`);
      });
    }

    it("decrypt a secret as the deploy role, or as anyone else in the account, other than through Lambda for its function", async () => {
      const prodSecrets = plans[3]!;
      const key = prodSecrets.resources.find((r) => r.type === "aws:kms/key:Key" && r.account === account)!;
      const keyPolicy = JSON.parse(String(key.inputs.policy));
      const keyArn = `arn:aws:kms:${key.region}:${account}:key/0f1e2d3c-0000-4000-8000-00000000cafe`;
      const decrypt: Call = { action: "kms:Decrypt", resource: keyArn };
      const admin: Caller = { principal: "arn:aws:sts::222222222222:assumed-role/Admin/alice", identity: [{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }] };
      assert.notEqual(await decide(decrypt, deployRole(account, "prod"), keyPolicy), "Allowed", "the deploy role decrypts directly");
      assert.notEqual(await decide(decrypt, admin, keyPolicy), "Allowed", "an administrator of the account decrypts");
      assert.equal(await decide(decrypt, deployRole(account, "prod"), withoutConditions(keyPolicy)), "Allowed", "negative control: without the conditions the deploy role decrypts");
      const delegating = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" }] };
      assert.equal(await decide(decrypt, admin, delegating), "Allowed", "negative control: under the default key policy the administrator decrypts");

      const functionRole = (keyPolicy.Statement as { Sid: string; Principal: { AWS: string } }[]).find((statement) => statement.Sid === "FunctionRoleDecrypts")!.Principal.AWS;
      const fn: Caller = { principal: sessionOf(functionRole, "lambda"), identity: [], boundary: bootstrapped.get(account)!.boundary };
      const throughLambda = { ...decrypt, context: { "kms:ViaService": `lambda.${key.region}.amazonaws.com` } };
      assert.equal(await decide(throughLambda, fn, keyPolicy), "Allowed", "the function's role decrypts its environment through Lambda");
      assert.notEqual(await decide(decrypt, fn, keyPolicy), "Allowed", "the function's role decrypts nothing directly");
    });
  });

  it("caps every role the stacks create at the boundary, whatever policy it is given (negative control: without the boundary)", async () => {
    const { boundary } = bootstrapped.get("222222222222")!;
    const admin = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };
    const role = (withBoundary: boolean): Caller => ({ principal: "arn:aws:sts::222222222222:assumed-role/fleet-prod-us-east-1-x1y2z3a/fn", identity: [admin], boundary: withBoundary ? boundary : undefined });
    for (const call of [
      { action: "iam:CreateUser", resource: "arn:aws:iam::222222222222:user/mallory" },
      { action: "lambda:UpdateFunctionCode", resource: "arn:aws:lambda:us-east-1:222222222222:function:payments-api" },
      { action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:222222222222:log-group:/aws/cloudtrail/org:log-stream:x" },
    ]) {
      assert.notEqual(await decide(call, role(true)), "Allowed", `${call.action} within the boundary`);
      assert.equal(await decide(call, role(false)), "Allowed", `negative control: ${call.action} without the boundary`);
    }
    const ownLogs = { action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:222222222222:log-group:/fleet/prod/function:log-stream:2026/01/01" };
    assert.equal(await decide(ownLogs, role(true)), "Allowed", "what a function needs stays allowed");
  });

  it("holds every policy within IAM's size limits (inline role policy 10,240, managed policy 6,144 characters without whitespace)", () => {
    for (const [account, { deployPolicy, boundary }] of bootstrapped) {
      assert.ok(JSON.stringify(deployPolicy).length <= 10_240, `${account} deploy policy: ${JSON.stringify(deployPolicy).length}`);
      assert.ok(JSON.stringify(boundary).length <= 6_144, `${account} boundary: ${JSON.stringify(boundary).length}`);
    }
  });
});

type PolicyDocument = { Version: string; Statement: { Effect: string; Condition?: unknown; [key: string]: unknown }[] };
export type { Decision };
