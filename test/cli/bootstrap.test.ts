import assert from "node:assert/strict";
import { runCli, type CliResult } from "../helpers/run-cli";

interface PlanJson {
  stack: string;
  resources: { type: string; name: string; account: string | null; inputs: Record<string, unknown> }[];
  outputs: Record<string, unknown>;
}

interface Document {
  Statement: { Sid: string; Resource: string | string[] }[];
}

describe("fleet bootstrap", function () {
  this.timeout(120_000);
  let plan: CliResult;
  let deploy: CliResult;
  let boundary: CliResult;
  let trust: CliResult;

  before(async () => {
    [plan, deploy, boundary, trust] = await Promise.all([
      runCli(["bootstrap", "plan", "--json"]),
      runCli(["bootstrap", "policy", "--account", "222222222222"]),
      runCli(["bootstrap", "policy", "--account", "222222222222", "--document", "boundary"]),
      runCli(["bootstrap", "policy", "--account", "222222222222", "--document", "trust"]),
    ]);
  });

  const recorded = (type: string, account: string) => JSON.parse(String((JSON.parse(plan.stdout) as PlanJson).resources.find((r) => r.type === type && r.account === account)!.inputs[type.endsWith("Role") ? "assumeRolePolicy" : "policy"]));

  it("plan --json lists, per account of the stage files, the deploy role, the boundary and the deploy policy", () => {
    assert.equal(plan.code, 0, plan.stderr);
    const parsed = JSON.parse(plan.stdout) as PlanJson;
    assert.equal(parsed.stack, "accounts");
    for (const account of ["111111111111", "222222222222", "333333333333"]) {
      const types = parsed.resources.filter((r) => r.account === account).map((r) => r.type);
      for (const type of ["aws:iam/role:Role", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"]) assert.ok(types.includes(type), `${account}: ${type}`);
    }
  });

  it("policy prints exactly the document the bootstrap attaches, and on stderr why each \"Resource\": \"*\" is there", () => {
    assert.equal(deploy.code, 0, deploy.stderr);
    const printed = JSON.parse(deploy.stdout) as Document;
    assert.deepEqual(printed, recorded("aws:iam/rolePolicy:RolePolicy", "222222222222"));
    const wildcards = printed.Statement.filter((statement) => statement.Resource === "*").map((statement) => statement.Sid);
    assert.ok(wildcards.length > 0);
    assert.deepEqual(deploy.stderr.trim().split("\n").map((line) => line.split(":")[0]), wildcards, "one reason per * statement, and no other");
    for (const line of deploy.stderr.trim().split("\n")) assert.match(line, /^\w+: "Resource": "\*" because .{20,}/);
  });

  it("policy --document boundary and trust print the boundary and the deploy role's trust policy", () => {
    assert.equal(boundary.code, 0, boundary.stderr);
    assert.deepEqual(JSON.parse(boundary.stdout), recorded("aws:iam/policy:Policy", "222222222222"));
    assert.equal(trust.code, 0, trust.stderr);
    assert.deepEqual(JSON.parse(trust.stdout), recorded("aws:iam/role:Role", "222222222222"));
  });

  it("refuses an account no stage file targets, with did-you-mean, and a missing --account, an unknown document or action", async () => {
    const [typo, none, document, action] = await Promise.all([
      runCli(["bootstrap", "policy", "--account", "22222222222"]),
      runCli(["bootstrap", "policy"]),
      runCli(["bootstrap", "policy", "--account", "222222222222", "--document", "trustee"]),
      runCli(["bootstrap", "polcy"]),
    ]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /--account 22222222222: no stage file targets this account \(did you mean '222222222222'\?\); the stage files target 111111111111, 222222222222, 333333333333\. Fix:/);
    assert.equal(typo.stdout, "");
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--account <id> is required\. Fix:/);
    assert.equal(document.code, 2);
    assert.match(document.stderr, /--document trustee: must be deploy, boundary or trust\. Fix:/);
    assert.equal(action.code, 2);
    assert.match(action.stderr, /unknown action 'polcy' \(did you mean 'policy'\?\)/);
  });
});
