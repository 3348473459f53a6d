import assert from "node:assert/strict";
import { bootstrapProgram } from "../../bootstrap/plan";
import { readBootstrapFile } from "../../bootstrap/config";
import { boundaryArn } from "../../core/naming";
import { readStageFile } from "../../core/stage-file";
import { PlanError, runUnderMocks, type Plan, type PlannedResource } from "../../stacks/plan/engine";

/**
 * The bootstrap program (bootstrap/index.ts) under Pulumi's mocks against the real stage files: what it makes in
 * every account, and the configurations it refuses before registering anything. All runs start in `before`.
 */

const base = readBootstrapFile("accounts");
const accountsOf = (...stacks: string[]) => [...new Set(stacks.flatMap((stack) => readStageFile(stack).targets.map((target) => target.account)))];

async function refusal(values: Record<string, unknown>): Promise<PlanError> {
  try {
    await runUnderMocks({ program: bootstrapProgram, stack: "accounts", config: { values } });
  } catch (error) {
    assert.ok(error instanceof PlanError, String(error));
    return error;
  }
  assert.fail("the bootstrap accepted the configuration");
}

describe("the bootstrap program under mocks (bootstrap/index.ts)", function () {
  this.timeout(120_000);
  let plan: Plan;
  let foreignAccount: PlanError;
  let missingAccount: PlanError;
  let otherRoleName: PlanError;
  let noRepository: PlanError;
  let nobodyTrusted: PlanError;

  before(async () => {
    const { adminRoleName: _, ...withoutAdminRole } = base;
    [plan, foreignAccount, missingAccount, otherRoleName, noRepository, nobodyTrusted] = await Promise.all([
      runUnderMocks({ program: bootstrapProgram, stack: "accounts", config: { values: base } }),
      refusal({ ...base, accounts: { "444444444444": { adminRoleArn: "arn:aws:iam::444444444444:role/Admin" }, "22222222222": { adminRoleArn: "arn:aws:iam::222222222222:role/Admin" } } }),
      refusal({ ...withoutAdminRole, accounts: { "111111111111": { adminRoleArn: "arn:aws:iam::111111111111:role/Admin" }, "222222222222": { adminRoleArn: "arn:aws:iam::222222222222:role/Admin" } } }),
      refusal({ ...base, roleName: "deployer" }),
      refusal({ ...base, github: { environments: { prod: "production" } } }),
      refusal({ roleName: "fleet-deploy", adminRoleName: "Admin" }),
    ]);
  });

  const ofType = (type: string) => plan.resources.filter((r) => r.type === type);
  const inAccount = (type: string, account: string): PlannedResource => {
    const found = ofType(type).filter((r) => r.account === account);
    assert.equal(found.length, 1, `one ${type} in ${account}`);
    return found[0]!;
  };

  it("makes a deploy role, the boundary and the deploy policy in every account of Pulumi.dev.yaml and Pulumi.prod.yaml, each on that account's provider", () => {
    const accounts = accountsOf("dev", "prod");
    assert.deepEqual(ofType("aws:iam/role:Role").map((r) => r.account).sort(), [...accounts].sort());
    for (const account of accounts) {
      const provider = inAccount("pulumi:providers:aws", account);
      assert.deepEqual(provider.inputs.allowedAccountIds, [account]);
      assert.deepEqual(provider.inputs.assumeRoles, [{ roleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, sessionName: "fleet-bootstrap" }]);
      const role = inAccount("aws:iam/role:Role", account);
      assert.equal(role.inputs.name, "fleet-deploy");
      assert.equal(inAccount("aws:iam/policy:Policy", account).inputs.name, "fleet-boundary");
      const policy = inAccount("aws:iam/rolePolicy:RolePolicy", account);
      assert.equal(policy.inputs.role, "fleet-deploy");
      for (const resource of plan.resources.filter((r) => r.custom && r.account === account && !r.type.startsWith("pulumi:"))) assert.equal(resource.provider, provider.urn, resource.name);
    }
    for (const target of [...readStageFile("dev").targets, ...readStageFile("prod").targets]) {
      assert.equal((plan.outputs.deployRoles as Record<string, string>)[target.account], target.roleArn, "the role every stage file names");
      assert.equal((plan.outputs.boundaries as Record<string, string>)[target.account], boundaryArn(target.account), "the boundary the stacks set");
    }
  });

  it("trusts GitHub OIDC from the repository's environment of each account's stages, the stage's deploy roles, in fleet-* sessions only", () => {
    const trustOf = (account: string) => JSON.parse(String(inAccount("aws:iam/role:Role", account).inputs.assumeRolePolicy)) as { Statement: Record<string, any>[] };
    const github = (account: string) => trustOf(account).Statement.find((statement) => statement.Sid === "GitHubEnvironments")!;
    assert.deepEqual(github("111111111111").Condition.StringEquals["token.actions.githubusercontent.com:sub"], ["repo:my-org/fleet-app:environment:dev"]);
    assert.deepEqual(github("222222222222").Condition.StringEquals["token.actions.githubusercontent.com:sub"], ["repo:my-org/fleet-app:environment:prod"]);
    assert.equal(github("222222222222").Principal.Federated, "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com");
    const peers = trustOf("333333333333").Statement.find((statement) => statement.Sid === "StageDeployRoles")!;
    assert.deepEqual(peers.Condition.ArnEquals["aws:PrincipalArn"], ["arn:aws:iam::222222222222:role/fleet-deploy", "arn:aws:iam::333333333333:role/fleet-deploy"]);
    for (const account of accountsOf("dev", "prod")) {
      for (const statement of trustOf(account).Statement) assert.deepEqual(statement.Condition.StringLike, { "sts:RoleSessionName": "fleet-*" }, `${account} ${statement.Sid}`);
      const oidc = inAccount("aws:iam/openIdConnectProvider:OpenIdConnectProvider", account);
      assert.equal(oidc.inputs.url, "https://token.actions.githubusercontent.com");
      assert.ok(inAccount("aws:iam/role:Role", account).dependencies.includes(oidc.urn), "the role waits for the OIDC provider its trust names");
    }
  });

  it("gives every remaining \"Resource\": \"*\" of the deploy policy and the boundary a statement of its own, never mixed with named resources", () => {
    for (const type of ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"]) {
      for (const resource of ofType(type)) {
        const statements = (JSON.parse(String(resource.inputs.policy)) as { Statement: { Resource: string | string[] }[] }).Statement;
        for (const statement of statements) if (Array.isArray(statement.Resource)) assert.ok(!statement.Resource.includes("*"), `${resource.name}: a * among named resources`);
      }
    }
  });

  it("refuses an account that no stage file targets, with did-you-mean, before any resource", () => {
    assert.deepEqual(foreignAccount.resources, []);
    assert.match(foreignAccount.message, /^stack "accounts": invalid bootstrap configuration in bootstrap\/Pulumi\.accounts\.yaml\n/);
    assert.match(foreignAccount.message, /fleet-bootstrap:accounts\.444444444444: names account 444444444444, which no stage file targets .*Fix: remove the entry/);
    assert.match(foreignAccount.message, /fleet-bootstrap:accounts\.22222222222: names account 22222222222, which no stage file targets \(did you mean '222222222222'\?\)/);
  });

  it("refuses a stage account the bootstrap has no way into, naming the stage file that targets it", () => {
    assert.deepEqual(missingAccount.resources, []);
    assert.match(missingAccount.message, /fleet-bootstrap:accounts\.333333333333: is missing: Pulumi\.prod\.yaml fleet:targets\[1\]\.account targets account 333333333333, and fleet-bootstrap:adminRoleName is not set.*Fix: add fleet-bootstrap:accounts\.333333333333\.adminRoleArn/);
    assert.doesNotMatch(missingAccount.message, /accounts\.111111111111|accounts\.222222222222/);
  });

  it("refuses a stage file whose roleArn is not the role the bootstrap makes, naming the stage, the key and both fixes", () => {
    assert.deepEqual(otherRoleName.resources, []);
    for (const key of ["Pulumi.dev.yaml fleet:targets[0].roleArn", "Pulumi.prod.yaml fleet:targets[0].roleArn", "Pulumi.prod.yaml fleet:targets[1].roleArn"]) {
      assert.ok(otherRoleName.message.includes(`  ${key}: is arn:aws:iam::`), key);
    }
    assert.match(otherRoleName.message, /but the bootstrap makes the deploy role arn:aws:iam::111111111111:role\/deployer \(fleet-bootstrap:roleName: deployer\)\. Fix: set it to arn:aws:iam::111111111111:role\/deployer in Pulumi\.dev\.yaml, or set fleet-bootstrap:roleName/);
  });

  it("refuses an OIDC subject without a repository (any repository's workflow would match)", () => {
    assert.deepEqual(noRepository.resources, []);
    assert.match(noRepository.message, /fleet-bootstrap:github\.repository: is missing: an OIDC subject without a repository would let any repository's workflow assume the deploy role\. Fix: set fleet-bootstrap:github\.repository: <owner>\/<repo>/);
  });

  it("refuses a bootstrap that trusts nobody", () => {
    assert.deepEqual(nobodyTrusted.resources, []);
    assert.match(nobodyTrusted.message, /fleet-bootstrap:github: is not set, and neither is fleet-bootstrap:principals: nobody could assume the deploy roles\. Fix:/);
  });
});
