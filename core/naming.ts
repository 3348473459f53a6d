/**
 * Logical and physical names. Logical names carry account and region so two targets never collide; physical
 * names are left to Pulumi's auto-naming except IAM roles, which are global per account and carry stage and region.
 */

/** The `"<account>/<region>"` key used for endpoints and every per-target output. */
export function targetKey(account: string, region: string): string {
  return `${account}/${region}`;
}

/** Logical name prefix of everything made for one account × region, e.g. `dev-123456789012-us-east-1`. */
export function targetName(stage: string, account: string, region: string): string {
  return `${stage}-${account}-${region}`;
}

/** Logical name of a target's function: its physical name is this, `-` and 7 random characters (Pulumi auto-naming). */
export function functionLogicalName(stage: string, account: string, region: string): string {
  return `${targetName(stage, account, region)}-function-fn`;
}

/** Lambda refuses function names over 64 characters; auto-naming adds `-` and 7 random characters. */
export const maxFunctionLogicalNameLength = 64 - 8;

/**
 * Matches the physical name of every auto-named resource of a stage in one account (functions, SNS topics,
 * alarms): their logical names start with the target's name, and Pulumi appends a random suffix to it.
 */
export function stageNamePattern(stage: string, account: string): string {
  return targetName(stage, account, "*");
}

/**
 * The log group of a stage's functions (`function`) or APIs' access logs (`api-access`) in each region: every
 * log group fleet makes is under `/fleet/<stage>/`, the only ones the deploy policy lets it touch.
 */
export function logGroupName(stage: string, purpose: "function" | "api-access"): string {
  return `${logGroupPrefix(stage)}${purpose}`;
}

/** What every log group name of a stage starts with. */
export function logGroupPrefix(stage: string): string {
  return `/fleet/${stage}/`;
}

/**
 * Explicit IAM role name prefix (IAM is global per account): `fleet-<stage>-<region>-` and a random suffix Pulumi
 * appends (`namePrefix`), at most 38 characters as IAM requires of prefixes.
 */
export function rolePrefix(stage: string, region: string): string {
  return `fleet-${stage}-${region}-`.slice(0, 38);
}

/** Matches every role name of a stage: the function roles (`rolePrefix`) and the API Gateway logging roles. */
export function stageRoleNamePattern(stage: string): string {
  return `fleet-${stage}-*`;
}

/**
 * IAM path of every role the program creates. The deploy role's policy (README "Bootstrap") may create and change
 * roles under this path only, so it can never edit itself (the deploy role lives at `/`).
 */
export const rolePath = "/fleet/";

/** The permissions boundary the bootstrap makes in every account: no role the stacks create may exceed it. */
export const boundaryPolicyName = "fleet-boundary";

/**
 * ARN of the account's fleet permissions boundary. Every `aws.iam.Role` of the stacks sets it as
 * `permissionsBoundary`, and the deploy policy lets the deploy role create or change a role only when it does.
 */
export function boundaryArn(account: string): string {
  return `arn:aws:iam::${account}:policy/${boundaryPolicyName}`;
}
