import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundaryPolicyName } from "../core/naming";
import { githubOidcHost, type AccountPlan } from "./accounts";
import { boundaryPolicy } from "./policies/boundary";
import { deployPolicy } from "./policies/deploy-policy";
import { trustPolicy } from "./policies/trust";

/** Inputs of one account's bootstrap. */
export interface AccountBootstrapArgs {
  /** What the account needs (`planAccounts`). */
  plan: AccountPlan;
}

/**
 * One account, prepared for fleet's stages: GitHub's OIDC provider (unless it exists already), the fleet
 * permissions boundary, the deploy role the stage files name and its deploy policy. Pass the account's provider
 * as `provider`: every child inherits it. Names are explicit: the stage files and the stacks refer to them.
 */
export class AccountBootstrap extends pulumi.ComponentResource {
  readonly deployRoleArn: pulumi.Output<string>;
  readonly boundaryArn: pulumi.Output<string>;

  constructor(name: string, args: AccountBootstrapArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:bootstrap:Account", name, {}, opts);
    const { plan } = args;
    const oidc = plan.github?.createProvider
      ? new aws.iam.OpenIdConnectProvider(`${name}-github-oidc`, { url: `https://${githubOidcHost}`, clientIdLists: ["sts.amazonaws.com"] }, { parent: this })
      : undefined;
    const boundary = new aws.iam.Policy(
      `${name}-boundary`,
      { name: boundaryPolicyName, description: "fleet: the most any role of fleet's stacks may do", policy: JSON.stringify(boundaryPolicy(plan)) },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-deploy-role`,
      {
        name: plan.deployRoleName,
        description: "fleet: pulumi up of the stages, within the deploy policy",
        assumeRolePolicy: JSON.stringify(trustPolicy(plan)),
        maxSessionDuration: 3600,
      },
      // IAM refuses a trust policy naming an OIDC provider that does not exist yet.
      { parent: this, dependsOn: oidc ? [oidc] : [] },
    );
    new aws.iam.RolePolicy(`${name}-deploy-policy`, { role: role.name, name: plan.deployRoleName, policy: JSON.stringify(deployPolicy(plan)) }, { parent: this, dependsOn: [boundary] });
    this.deployRoleArn = role.arn;
    this.boundaryArn = boundary.arn;
    this.registerOutputs({ deployRoleArn: this.deployRoleArn, boundaryArn: this.boundaryArn });
  }
}
