import { logGroupName, logGroupPrefix, rolePath, stageNamePattern, stageRoleNamePattern } from "../../core/naming";
import type { AccountPlan, StageInAccount } from "../accounts";
import { policyDocument, type PolicyDocument, type StatementSpec } from "./document";

/**
 * The deploy policy: the one definition of what the deploy role may do in an account, generated from the stages
 * that target it. Everything `pulumi up` of those stages calls, on fleet's own resource names where IAM can
 * name them; roles only with the fleet boundary; the boundary, the deploy role and its policy never.
 */

/** The one AWS-managed policy a stage attaches (to the REST API's CloudWatch role); no other may be attached. */
export const attachablePolicyArns = ["arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"];

/** The policy document attached to the deploy role of `account`. */
export function deployPolicy(account: AccountPlan): PolicyDocument {
  return policyDocument(deployPolicyStatements(account));
}

/** The statements of the deploy policy, each with its reason when it needs `"Resource": "*"`. */
export function deployPolicyStatements(account: AccountPlan): StatementSpec[] {
  const id = account.account;
  const stages = account.stages;
  const named = (arn: (stage: StageInAccount) => string) => stages.map(arn);
  const roles = named((stage) => `arn:aws:iam::${id}:role${rolePath}${stageRoleNamePattern(stage.stack)}`);
  const withBoundary = { StringEquals: { "iam:PermissionsBoundary": account.boundaryArn } };
  const rest = stages.some((stage) => stage.api === "rest");
  const http = stages.some((stage) => stage.api === "http");
  const domains = stages.flatMap((stage) => (stage.domain ? [stage.domain] : []));
  const zones = domains.filter((domain) => domain.zoneHere);
  /** Every host name of the stages' domains: the global name and the regions' names under it. */
  const namesOf = (of: { name: string }[]) => [...new Set(of.flatMap((domain) => [domain.name, `*.${domain.name}`]))];
  const names = namesOf(domains);

  const statements: StatementSpec[] = [
    {
      sid: "FleetFunctions",
      actions: [
        "lambda:CreateFunction", "lambda:DeleteFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:UpdateFunctionCode",
        "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion", "lambda:ListVersionsByFunction", "lambda:GetFunctionCodeSigningConfig",
        "lambda:CreateAlias", "lambda:UpdateAlias", "lambda:DeleteAlias", "lambda:GetAlias", "lambda:AddPermission", "lambda:RemovePermission",
        "lambda:GetPolicy", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:GetFunctionConcurrency",
        "lambda:PutProvisionedConcurrencyConfig", "lambda:GetProvisionedConcurrencyConfig", "lambda:DeleteProvisionedConcurrencyConfig",
        "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
        // fleet's own preflight and version pruning, and fleet invoke on live (targets/lambda-account.ts), through the same role.
        "lambda:ListAliases", "lambda:ListProvisionedConcurrencyConfigs", "lambda:InvokeFunction",
      ],
      // Function names start with the stage's target names; `*` after them also covers versions and aliases.
      resources: named((stage) => `arn:aws:lambda:*:${id}:function:${stageNamePattern(stage.stack, id)}`),
    },
    {
      sid: "LambdaAccountSettings",
      actions: ["lambda:GetAccountSettings"],
      anyResource: "fleet's preflight reads the region's concurrency limits before a rollout; GetAccountSettings is about the account and has no resource type, so IAM matches it only against *",
    },
    {
      sid: "PassFleetRoles",
      actions: ["iam:PassRole"],
      resources: roles,
      // Functions run as their role; a REST stage's CloudWatch role is handed to API Gateway's account setting.
      condition: { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", ...(rest ? ["apigateway.amazonaws.com"] : [])] } },
    },
    {
      sid: "FleetRolesOnlyWithTheBoundary",
      actions: ["iam:CreateRole", "iam:DeleteRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateRole"],
      resources: roles,
      condition: withBoundary,
    },
    {
      sid: "ReadAndTagFleetRoles",
      actions: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:TagRole", "iam:UntagRole"],
      resources: roles,
    },
    ...(rest
      ? [
          {
            sid: "AttachOnlyApiGatewayLogging",
            actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
            resources: roles,
            condition: { StringEquals: { "iam:PermissionsBoundary": account.boundaryArn, "iam:PolicyARN": attachablePolicyArns } },
          },
        ]
      : []),
    {
      sid: "NeverWithoutTheBoundary",
      effect: "Deny",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      resources: [`arn:aws:iam::${id}:role/*`],
      condition: { StringNotEquals: { "iam:PermissionsBoundary": account.boundaryArn } },
    },
    {
      sid: "NeverAttachAnotherPolicy",
      effect: "Deny",
      actions: ["iam:AttachRolePolicy"],
      resources: [`arn:aws:iam::${id}:role/*`],
      condition: { StringNotEquals: { "iam:PolicyARN": attachablePolicyArns } },
    },
    {
      sid: "NeverRemoveABoundary",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: [`arn:aws:iam::${id}:role/*`],
    },
    {
      sid: "NeverChangeTheBoundaryPolicy",
      effect: "Deny",
      actions: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
      resources: [account.boundaryArn],
    },
    {
      sid: "NeverChangeTheDeployRole",
      effect: "Deny",
      actions: ["iam:Attach*", "iam:Detach*", "iam:Put*", "iam:Delete*", "iam:Update*", "iam:Tag*", "iam:Untag*"],
      resources: [account.deployRoleArn],
    },
    {
      sid: "AssumeTheStagesDeployRoles",
      actions: ["sts:AssumeRole"],
      resources: account.peerRoleArns,
      condition: { StringLike: { "sts:RoleSessionName": "fleet-*" } },
    },
    {
      sid: "ApiGatewayServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [`arn:aws:iam::${id}:role/aws-service-role/ops.apigateway.amazonaws.com/AWSServiceRoleForAPIGateway`],
      condition: { StringEquals: { "iam:AWSServiceName": "ops.apigateway.amazonaws.com" } },
    },
    {
      sid: "FleetLogGroups",
      actions: [
        "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
        "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:ListTagsLogGroup",
      ],
      resources: named((stage) => `arn:aws:logs:*:${id}:log-group:${logGroupPrefix(stage.stack)}*`),
    },
    {
      // `fleet logs` reads what the stages' functions wrote (fleet logs --stack <stage>).
      sid: "ReadFunctionLogs",
      actions: ["logs:FilterLogEvents"],
      resources: named((stage) => `arn:aws:logs:*:${id}:log-group:${logGroupName(stage.stack, "function")}:*`),
    },
    {
      sid: "ListLogGroups",
      actions: ["logs:DescribeLogGroups"],
      anyResource: "DescribeLogGroups lists; it has no resource type, so IAM matches it only against *",
    },
    ...(http
      ? [
          {
            sid: "HttpApiAccessLogDelivery",
            actions: [
              "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
              "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
            ],
            anyResource:
              "an HTTP API stage's access logs are a CloudWatch Logs delivery that the caller sets up; these delivery and resource-policy actions have no resource type, so IAM matches them only against *",
          },
        ]
      : []),
    {
      sid: "FleetApis",
      actions: ["apigateway:GET", "apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"],
      // API Gateway names APIs by ids it assigns, so no ARN can name fleet's before they exist: the API kinds
      // the stages use (and, with a domain, its custom domain names) are as narrow as IAM goes.
      resources: [
        ...(rest ? ["arn:aws:apigateway:*::/restapis", "arn:aws:apigateway:*::/restapis/*", "arn:aws:apigateway:*::/account"] : []),
        ...(http ? ["arn:aws:apigateway:*::/apis", "arn:aws:apigateway:*::/apis/*"] : []),
        "arn:aws:apigateway:*::/tags/*",
        // The global name and each region's own name under it (`<region>.<name>`), with their API mappings.
        ...(domains.length > 0 ? ["arn:aws:apigateway:*::/domainnames", ...names.flatMap((name) => [name, `${name}/*`].map((path) => `arn:aws:apigateway:*::/domainnames/${path}`))] : []),
      ],
    },
    {
      sid: "FleetAlarms",
      actions: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
      resources: named((stage) => `arn:aws:cloudwatch:*:${id}:alarm:${stageNamePattern(stage.stack, id)}`),
    },
    {
      sid: "FleetTopics",
      actions: [
        "sns:CreateTopic", "sns:DeleteTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe",
        "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource",
      ],
      resources: named((stage) => `arn:aws:sns:*:${id}:${stageNamePattern(stage.stack, id)}`),
    },
    {
      sid: "CreateSecretsKeys",
      actions: ["kms:CreateKey"],
      anyResource:
        "CreateKey makes a key whose ARN does not exist yet, so IAM matches it only against *; the conditions hold it to a plain symmetric key whose policy passes KMS's lockout check. Everything else on the key comes from the policy it is created with",
      condition: {
        StringEqualsIfExists: { "kms:KeySpec": "SYMMETRIC_DEFAULT", "kms:KeyUsage": "ENCRYPT_DECRYPT", "kms:KeyOrigin": "AWS_KMS" },
        BoolIfExists: { "kms:MultiRegion": "false", "kms:BypassPolicyLockoutSafetyCheck": "false" },
      },
    },
    {
      sid: "TagNewSecretsKeys",
      actions: ["kms:TagResource"],
      // KMS checks the tags of a key being created against an IAM policy covering every key of the account; the
      // tags are held to fleet's own, and they grant nothing: every other right on a key is in its key policy.
      resources: [`arn:aws:kms:*:${id}:key/*`],
      condition: { StringEquals: { "aws:RequestTag/app": "fleet" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["app", "stage", "release"] } },
    },
  ];

  if (domains.length > 0) {
    statements.push(
      {
        sid: "RequestFleetCertificates",
        actions: ["acm:RequestCertificate"],
        anyResource: "RequestCertificate makes a certificate that has no ARN yet, so IAM matches it only against *; the conditions hold it to the stages' domain names, validated by DNS",
        condition: { "ForAllValues:StringLike": { "acm:DomainNames": names }, StringEquals: { "acm:ValidationMethod": "DNS" } },
      },
      {
        sid: "FleetCertificates",
        actions: ["acm:DescribeCertificate", "acm:DeleteCertificate", "acm:ListTagsForCertificate", "acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate"],
        // ACM names certificates by ids it assigns.
        resources: [`arn:aws:acm:*:${id}:certificate/*`],
      },
    );
  }
  if (zones.length > 0) {
    statements.push(
      {
        sid: "FleetRecords",
        actions: ["route53:ChangeResourceRecordSets"],
        resources: [...new Set(zones.map((zone) => `arn:aws:route53:::hostedzone/${zone.hostedZoneId}`))],
        // The domain's latency records, the regions' own records and the certificates' validation records
        // under it: nothing else of the zone.
        condition: {
          "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": namesOf(zones) },
          "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"] },
        },
      },
      {
        sid: "ReadTheZone",
        actions: ["route53:ListResourceRecordSets", "route53:GetHostedZone", "route53:ListTagsForResource"],
        resources: [...new Set(zones.map((zone) => `arn:aws:route53:::hostedzone/${zone.hostedZoneId}`))],
      },
      { sid: "Route53Changes", actions: ["route53:GetChange"], resources: ["arn:aws:route53:::change/*"] },
      {
        sid: "FleetHealthChecks",
        actions: ["route53:GetHealthCheck", "route53:UpdateHealthCheck", "route53:DeleteHealthCheck", "route53:ChangeTagsForResource", "route53:ListTagsForResource"],
        // Route53 names health checks by ids it assigns.
        resources: ["arn:aws:route53:::healthcheck/*"],
      },
      {
        sid: "CreateHealthChecks",
        actions: ["route53:CreateHealthCheck"],
        anyResource: "CreateHealthCheck makes a health check that has no ARN yet, and Route53 offers no condition key on it: IAM matches it only against *",
      },
    );
  }
  if (account.store) {
    const { bucket, prefix } = account.store;
    const objects = prefix ? `${prefix}/*` : "*";
    statements.push(
      { sid: "ReleaseStoreObjects", actions: ["s3:GetObject", "s3:PutObject"], resources: [`arn:aws:s3:::${bucket}/${objects}`] },
      { sid: "ReleaseStoreListing", actions: ["s3:ListBucket"], resources: [`arn:aws:s3:::${bucket}`], ...(prefix ? { condition: { StringLike: { "s3:prefix": [`${prefix}/*`] } } } : {}) },
    );
  }
  return statements;
}
