import { githubOidcHost, type AccountPlan } from "../accounts";

/** Every session of the deploy role is named `fleet-*` (the providers', CI's), so CloudTrail shows fleet's calls. */
export const sessionNamePattern = "fleet-*";

/**
 * Who may assume the deploy role: GitHub Actions jobs of the configured repository in the environments of this
 * account's stages (by OIDC), the configured principals, and the deploy roles of the accounts that share a stage
 * with this one (CI enters one account and Pulumi's providers assume the others; each provider also assumes its
 * own account's role, so the role trusts itself). Always in `fleet-*` sessions. The deploy roles are trusted
 * through their account and `aws:PrincipalArn`, so the trust is valid before the other accounts' roles exist.
 */
export function trustPolicy(account: AccountPlan) {
  const sessions = { StringLike: { "sts:RoleSessionName": sessionNamePattern } };
  const peers = account.peerRoleArns;
  const peerAccounts = [...new Set(peers.map((arn) => arn.split(":")[4]!))];
  return {
    Version: "2012-10-17",
    Statement: [
      ...(account.github
        ? [
            {
              Sid: "GitHubEnvironments",
              Effect: "Allow",
              Principal: { Federated: account.github.providerArn },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: { StringEquals: { [`${githubOidcHost}:aud`]: "sts.amazonaws.com", [`${githubOidcHost}:sub`]: account.github.subjects }, ...sessions },
            },
          ]
        : []),
      ...(account.principals.length > 0 ? [{ Sid: "NamedPrincipals", Effect: "Allow", Principal: { AWS: account.principals }, Action: "sts:AssumeRole", Condition: sessions }] : []),
      {
        Sid: "StageDeployRoles",
        Effect: "Allow",
        Principal: { AWS: peerAccounts.map((peer) => `arn:aws:iam::${peer}:root`) },
        Action: "sts:AssumeRole",
        Condition: { ArnEquals: { "aws:PrincipalArn": peers }, ...sessions },
      },
    ],
  };
}
