import { didYouMean } from "../core/did-you-mean";
import { FleetError } from "../core/errors";
import { boundaryArn } from "../core/naming";
import { repoRoot } from "../core/paths";
import { loadStage, type Stage } from "../core/stage";
import { listStageFiles } from "../core/stage-file";
import { keyPath, roleArnPattern, type StageConfigIssue } from "../core/stage-schema";
import { BootstrapConfigError, bootstrapProject, type BootstrapConfig } from "./config";

/**
 * What the bootstrap makes in each account, derived from the stage files (the one list of accounts) and the
 * bootstrap configuration (how to reach them, who may deploy). Pure: `fleet bootstrap policy` prints from it
 * offline, and the program registers nothing before it is known to be consistent.
 */

/** GitHub Actions' OIDC issuer: one identity provider per account trusts its tokens. */
export const githubOidcHost = "token.actions.githubusercontent.com";

/** One stage as seen from one of its accounts. */
export interface StageInAccount {
  stack: string;
  /** The stage's regions in this account. */
  regions: string[];
  api: "rest" | "http";
  /** The stage's global domain: its certificates are made in every account of the stage, its records in the zone's. */
  domain?: { name: string; hostedZoneId: string; zoneHere: boolean };
}

/** Everything the bootstrap needs to know about one account. */
export interface AccountPlan {
  account: string;
  /** The role the bootstrap's provider assumes there (the administrator's way in). */
  adminRoleArn: string;
  deployRoleName: string;
  /** The `roleArn` every stage file names for this account. */
  deployRoleArn: string;
  boundaryArn: string;
  /** Every stage with a target in this account, in stage-file order. */
  stages: StageInAccount[];
  /**
   * The deploy roles of every account that shares a stage with this one, this one included: CI enters one of
   * them and Pulumi's providers assume the others (and itself) from there, always in `fleet-*` sessions.
   */
  peerRoleArns: string[];
  /** GitHub Actions trust: the OIDC subjects of the environments of this account's stages. */
  github?: { repository: string; subjects: string[]; providerArn: string; createProvider: boolean };
  /** Further principals trusted to assume the deploy role. */
  principals: string[];
  /** The release store the deploy role may read and append to. */
  store?: { bucket: string; prefix: string };
}

/** Every stage file of the repository, validated (none is an issue `planAccounts` reports). @throws StageConfigError */
export function loadStages(root = repoRoot): Stage[] {
  return listStageFiles(root).map((stack) => loadStage(stack, root));
}

/**
 * The accounts to bootstrap: every account some stage file targets, with what each needs.
 * @throws BootstrapConfigError naming the bootstrap stack (or the stage file), the key and the fix
 */
export function planAccounts(bootstrapStack: string, config: BootstrapConfig, stages: Stage[]): AccountPlan[] {
  const issues: StageConfigIssue[] = [];
  const key = (path: (string | number)[]) => keyPath(path, bootstrapProject);
  const roleArnOf = (account: string) => `arn:aws:iam::${account}:role/${config.roleName}`;
  if (stages.length === 0) issues.push({ key: "Pulumi.<stage>.yaml", message: "there is no stage file, so no account to bootstrap. Fix: add Pulumi.<stage>.yaml with fleet:targets first" });

  const stagesOf = new Map<string, { stage: Stage; target: number }[]>();
  for (const stage of stages) {
    stage.config.targets.forEach((target, t) => {
      stagesOf.set(target.account, [...(stagesOf.get(target.account) ?? []), { stage, target: t }]);
      if (target.roleArn !== roleArnOf(target.account)) {
        issues.push({
          key: `Pulumi.${stage.stack}.yaml ${keyPath(["targets", t, "roleArn"])}`,
          message:
            `is ${target.roleArn}, but the bootstrap makes the deploy role ${roleArnOf(target.account)} (${key(["roleName"])}: ${config.roleName}). ` +
            `Fix: set it to ${roleArnOf(target.account)} in Pulumi.${stage.stack}.yaml, or set ${key(["roleName"])} to that role's name`,
        });
      }
    });
  }
  const accounts = [...stagesOf.keys()];

  for (const [account, access] of Object.entries(config.accounts)) {
    if (!stagesOf.has(account)) {
      issues.push({
        key: key(["accounts", account]),
        message: `names account ${account}, which no stage file targets${didYouMean(account, accounts)} (accounts of the stage files: ${accounts.join(", ") || "none"}). Fix: remove the entry, or add the account to a stage's fleet:targets`,
      });
    } else if (roleArnPattern.exec(access.adminRoleArn)?.[1] !== account) {
      issues.push({ key: key(["accounts", account, "adminRoleArn"]), message: `is a role of another account than ${account}. Fix: use the administrator's role in account ${account}` });
    }
  }
  for (const [account, uses] of stagesOf) {
    if (config.accounts[account] || config.adminRoleName) continue;
    const where = uses.map(({ stage, target }) => `Pulumi.${stage.stack}.yaml ${keyPath(["targets", target, "account"])}`).join(", ");
    issues.push({
      key: key(["accounts", account]),
      message: `is missing: ${where} targets account ${account}, and ${key(["adminRoleName"])} is not set, so the bootstrap has no way into it. Fix: add ${key(["accounts", account, "adminRoleArn"])}, or set ${key(["adminRoleName"])} (e.g. OrganizationAccountAccessRole)`,
    });
  }
  const stacks = stages.map((stage) => stage.stack);
  for (const stack of Object.keys(config.github?.environments ?? {})) {
    if (!stacks.includes(stack)) {
      issues.push({ key: key(["github", "environments", stack]), message: `is not a stage${didYouMean(stack, stacks)} (stages: ${stacks.join(", ")}). Fix: key each environment by a stage's name` });
    }
  }
  if (!config.github && config.principals.length === 0) {
    issues.push({
      key: key(["github"]),
      message: `is not set, and neither is ${key(["principals"])}: nobody could assume the deploy roles. Fix: set github.repository (CI by OIDC) or principals (named roles), or both`,
    });
  }
  if (issues.length > 0) throw new BootstrapConfigError(bootstrapStack, issues);

  return accounts.map((account) => {
    const uses = stagesOf.get(account)!.map(({ stage }) => stage);
    const ownStages = [...new Set(uses)];
    const peers = [...new Set(ownStages.flatMap((stage) => stage.config.targets.map((target) => target.account)))];
    return {
      account,
      adminRoleArn: config.accounts[account]?.adminRoleArn ?? `arn:aws:iam::${account}:role/${config.adminRoleName}`,
      deployRoleName: config.roleName,
      deployRoleArn: roleArnOf(account),
      boundaryArn: boundaryArn(account),
      stages: ownStages.map((stage) => stageInAccount(stage, account)),
      peerRoleArns: peers.map(roleArnOf),
      github: config.github && {
        repository: config.github.repository,
        subjects: ownStages.map((stage) => `repo:${config.github!.repository}:environment:${config.github!.environments[stage.stack] ?? stage.stack}`),
        providerArn: `arn:aws:iam::${account}:oidc-provider/${githubOidcHost}`,
        createProvider: config.github.oidcProvider === "create",
      },
      principals: config.principals,
      store: config.store ? storeOf(config.store) : undefined,
    };
  });
}

/** The plan of one account. @throws FleetError naming the accounts there are, and the closest one */
export function accountPlan(plans: AccountPlan[], account: string): AccountPlan {
  const plan = plans.find((candidate) => candidate.account === account);
  if (plan) return plan;
  const known = plans.map((candidate) => candidate.account);
  throw new FleetError(`--account ${account}: no stage file targets this account${didYouMean(account, known)}; the stage files target ${known.join(", ")}. Fix: pass one of those`);
}

function stageInAccount(stage: Stage, account: string): StageInAccount {
  const { config } = stage;
  const zoneAccount = config.domain?.account ?? config.targets[0]?.account;
  return {
    stack: stage.stack,
    regions: stage.regions.filter((region) => region.account === account).map((region) => region.region),
    api: config.api,
    domain: config.domain && { name: config.domain.name, hostedZoneId: config.domain.hostedZoneId, zoneHere: zoneAccount === account },
  };
}

function storeOf(url: string): { bucket: string; prefix: string } {
  const [bucket = "", ...rest] = url.slice("s3://".length).split("/");
  return { bucket, prefix: rest.join("/").replace(/\/+$/, "") };
}
