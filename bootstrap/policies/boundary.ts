import type { AccountPlan } from "../accounts";
import { policyDocument, type PolicyDocument, type StatementSpec } from "./document";

/**
 * The fleet permissions boundary: the most any role the stacks create may ever do, whatever policy it carries.
 * What a function and a REST API's CloudWatch role need, in fleet's log groups and keys only: a role the deploy
 * role makes can never be more than this, so creating roles is no way out of the deploy policy.
 */
export function boundaryPolicy(account: AccountPlan): PolicyDocument {
  return policyDocument(boundaryStatements(account));
}

/** The statements of the boundary. */
export function boundaryStatements(account: AccountPlan): StatementSpec[] {
  const id = account.account;
  return [
    {
      sid: "WriteFleetLogs",
      // The function's log lines, and API Gateway's access log lines through the account's CloudWatch role.
      actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      resources: [`arn:aws:logs:*:${id}:log-group:/fleet/*`],
    },
    {
      sid: "ListLogGroups",
      actions: ["logs:DescribeLogGroups"],
      anyResource: "API Gateway lists log groups before it writes access logs; DescribeLogGroups has no resource type, so IAM matches it only against *",
    },
    {
      sid: "Tracing",
      actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
      anyResource: "X-Ray has no resource-level permissions for sending traces: IAM matches them only against *",
    },
    {
      sid: "SecretsThroughLambda",
      actions: ["kms:Decrypt"],
      resources: [`arn:aws:kms:*:${id}:key/*`],
      // Only as Lambda decrypts a function's environment; each key's policy further names its one function role.
      condition: { StringLike: { "kms:ViaService": "lambda.*.amazonaws.com" } },
    },
  ];
}
