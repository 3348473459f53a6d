import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";

const good = `config:\n  fleet:targets:\n    - account: "111111111111"\n      roleArn: arn:aws:iam::111111111111:role/fleet-deploy\n      regions: [us-east-1]\n`;

describe("fleet check", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-check-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("validates every Pulumi.*.yaml of the repository and exits 0", async () => {
    const result = await runCli(["check"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ok {2}dev: 1 account\(s\), 2 region\(s\), api http, release build$/m);
    assert.match(result.stdout, /^ok {2}prod: 2 account\(s\), 4 region\(s\), api rest, release sha256:/m);
    // The concurrency rule Lambda applies, stated offline for the stage that reserves concurrency (prod), only there.
    assert.match(
      result.stdout,
      /^ok {2}prod: .*\n {4}concurrency: fleet:reservedConcurrency 100 needs 200 unreserved concurrent executions in each target region \(100 for the function, 100 Lambda keeps for the others\), checked before each rollout's first pulumi up$/m,
    );
    assert.equal(result.stdout.match(/concurrency:/g)?.length, 1);
  });

  it("prints each checked stack with --json", async () => {
    const result = await runCli(["check", "dev", "prod", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      stacks: [
        { stack: "dev", ok: true, targets: 1, regions: 2 },
        {
          stack: "prod",
          ok: true,
          targets: 2,
          regions: 4,
          concurrency: {
            demand: 100,
            requiredUnreserved: 200,
            rule: "fleet:reservedConcurrency 100 needs 200 unreserved concurrent executions in each target region (100 for the function, 100 Lambda keeps for the others), checked before each rollout's first pulumi up",
          },
        },
      ],
    });
  });

  it("refuses regions and deploy roles of other partitions: partition aws-us-gov / aws-cn is not supported", async () => {
    await writeFile(path.join(dir, "Pulumi.gov.yaml"), good.replace("regions: [us-east-1]", "regions: [us-gov-west-1, cn-north-1]").replace("arn:aws:iam", "arn:aws-us-gov:iam"));
    const result = await runCli(["check", "--dir", dir, "--json"]);
    assert.equal(result.code, 1, result.stderr);
    const issues = (JSON.parse(result.stdout) as { stacks: { issues: { key: string; message: string }[] }[] }).stacks[0]!.issues;
    assert.deepEqual(issues.map((issue) => issue.key), ["fleet:targets[0].roleArn", "fleet:targets[0].regions[0]", "fleet:targets[0].regions[1]"]);
    assert.match(issues[0]!.message, /^is a role of another partition: partition aws-us-gov is not supported.*Fix: /);
    assert.match(issues[1]!.message, /^is a region of partition aws-us-gov: partition aws-us-gov is not supported.* \(got "us-gov-west-1"\)\. Fix: /);
    assert.match(issues[2]!.message, /^is a region of partition aws-cn: partition aws-cn is not supported.* \(got "cn-north-1"\)\. Fix: /);
  });

  it("exits 2 for a named stack Pulumi would refuse, and reports a stage file whose name is none", async () => {
    const named = await runCli(["check", "--dir", dir, "dev/../prod"]);
    assert.equal(named.code, 2);
    assert.match(named.stderr, /stack name "dev\/\.\.\/prod" is not one Pulumi accepts/);
    await writeFile(path.join(dir, "Pulumi.my stack.yaml"), good);
    const listed = await runCli(["check", "--dir", dir]);
    assert.equal(listed.code, 1);
    assert.match(listed.stderr, /stack "my stack": invalid configuration in Pulumi\.my stack\.yaml\n {2}Pulumi\.my stack\.yaml: stack name "my stack" is not one Pulumi accepts/);
  });

  it("checks every file and reports every problem of each, then exits 1 (a broken dev never hides prod)", async () => {
    await writeFile(path.join(dir, "Pulumi.a.yaml"), `${good.replace("regions: [us-east-1]", "regions: [us-east-1, moon-1]")}  fleet:memory: 100\n  fleet:timeout: 31\n`);
    await writeFile(path.join(dir, "Pulumi.b.yaml"), good.replace("111111111111:role", "222222222222:role"));
    await writeFile(path.join(dir, "Pulumi.c.yaml"), good);
    const result = await runCli(["check", "--dir", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^ok {2}c: 1 account\(s\), 1 region\(s\)/m);
    assert.match(result.stderr, /stack "a": invalid configuration in Pulumi\.a\.yaml\n/);
    assert.match(result.stderr, / {2}fleet:targets\[0\]\.regions\[1\]: is not an AWS region \(got "moon-1"\)\. Fix: /);
    assert.match(result.stderr, / {2}fleet:memory: is below Lambda's minimum of 128 MB \(got 100\)\. Fix: /);
    assert.match(result.stderr, / {2}fleet:timeout: 31 s exceeds the http API's integration timeout of 30 s\. Fix: /);
    assert.match(result.stderr, /stack "b": invalid configuration in Pulumi\.b\.yaml\n {2}fleet:targets\[0\]\.roleArn: is a role in account 222222222222/);
    assert.match(result.stderr, /2 of 3 stack file\(s\) invalid/);
  });

  it("reports every file and every issue as JSON with --json", async () => {
    await writeFile(path.join(dir, "Pulumi.a.yaml"), `${good}  fleet:memory: 100\n  fleet:timeout: 31\n`);
    await writeFile(path.join(dir, "Pulumi.b.yaml"), `${good}  fleet:api: soap\n`);
    await writeFile(path.join(dir, "Pulumi.c.yaml"), good);
    const result = await runCli(["check", "--dir", dir, "--json"]);
    assert.equal(result.code, 1);
    const output = JSON.parse(result.stdout) as { stacks: { stack: string; ok: boolean; issues?: { key: string; message: string }[] }[] };
    assert.deepEqual(output.stacks.map((s) => [s.stack, s.ok, s.issues?.map((i) => i.key)]), [
      ["a", false, ["fleet:memory", "fleet:timeout"]],
      ["b", false, ["fleet:api"]],
      ["c", true, undefined],
    ]);
    assert.match(output.stacks[0]!.issues![1]!.message, /integration timeout of 30 s\. Fix: set fleet:timeout to 30 or less/);
    assert.equal(result.stderr, "");
  });

  it("refuses a stack that has no file as every command does: the stacks that exist and the closest one, exit 2", async () => {
    await writeFile(path.join(dir, "Pulumi.staging.yaml"), good);
    const result = await runCli(["check", "stagin", "--dir", dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown stack 'stagin' \(did you mean 'staging'\?\): there is no Pulumi\.stagin\.yaml \(stacks here: staging\)/);
  });
});
