import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The customer-managed key that encrypts one function's environment when the stage has secrets: one key per
 * stage × account × region. Per region because KMS keys are regional and Lambda only accepts a key of the
 * function's own region (a multi-Region key would still be one replica, one resource, per region); per stage
 * because its policy names the one function role allowed to decrypt it.
 */

/** Who the key policy names: the account, the deploy role that runs `pulumi up`, and the function's role. */
export interface SecretsKeyPrincipals {
  account: string;
  region: string;
  /** The stage file's `roleArn` for this account: the role every provider of the account assumes. */
  deployRoleArn: string;
  functionRoleArn: string;
}

/** Managing the key, never using it: no Encrypt, Decrypt, GenerateDataKey, ReEncrypt or CreateGrant. */
const keyAdministration = [
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

/**
 * The key policy. A key policy is the only door to a KMS key (IAM policies count only where it lets them), and
 * "Resource": "*" in it means this key. The account may administer the key through IAM (so an administrator is
 * never locked out) but use it not at all; the deploy role administers it as `pulumi up` does, has Lambda encrypt
 * the environment and grant the function's role, and reads the environment back through Lambda only (Lambda
 * decrypts it with the caller's permission when `pulumi up` reads the function; without that every `pulumi up`
 * would rewrite the environment and publish a new version in every region). The function's role decrypts, through
 * Lambda too. A direct `kms:Decrypt`, by the deploy role or anyone else, is denied.
 */
export function secretsKeyPolicy(principals: SecretsKeyPrincipals) {
  const throughLambda = { "kms:ViaService": `lambda.${principals.region}.amazonaws.com` };
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministersNeverUses", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${principals.account}:root` }, Action: keyAdministration, Resource: "*" },
      { Sid: "DeployRoleAdministers", Effect: "Allow", Principal: { AWS: principals.deployRoleArn }, Action: keyAdministration, Resource: "*" },
      { Sid: "LambdaEncryptsForTheDeployRole", Effect: "Allow", Principal: { AWS: principals.deployRoleArn }, Action: "kms:Encrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
      {
        Sid: "LambdaGrantsTheFunctionRole",
        Effect: "Allow",
        Principal: { AWS: principals.deployRoleArn },
        Action: "kms:CreateGrant",
        Resource: "*",
        Condition: { StringEquals: throughLambda, Bool: { "kms:GrantIsForAWSResource": "true" } },
      },
      { Sid: "DeployRoleReadsTheEnvironmentThroughLambda", Effect: "Allow", Principal: { AWS: principals.deployRoleArn }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
      { Sid: "FunctionRoleDecrypts", Effect: "Allow", Principal: { AWS: principals.functionRoleArn }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: throughLambda } },
    ],
  };
}

/** Creates the key of one function; its policy waits for the function's role (KMS refuses unknown principals). */
export function createSecretsKey(parent: pulumi.Resource, name: string, principals: Omit<SecretsKeyPrincipals, "functionRoleArn">, role: aws.iam.Role): aws.kms.Key {
  return new aws.kms.Key(
    `${name}-secrets-key`,
    {
      description: `fleet: the secret environment of ${name}`,
      enableKeyRotation: true,
      policy: role.arn.apply((functionRoleArn) => JSON.stringify(secretsKeyPolicy({ ...principals, functionRoleArn }))),
    },
    { parent },
  );
}
