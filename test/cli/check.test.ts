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

  it("exits 1 on the first bad file with the stack, the key path and the fix, and checks no further file", async () => {
    await writeFile(path.join(dir, "Pulumi.a.yaml"), good.replace("regions: [us-east-1]", "regions: [us-east-1, moon-1]"));
    await writeFile(path.join(dir, "Pulumi.b.yaml"), good.replace("111111111111:role", "222222222222:role"));
    const result = await runCli(["check", "--dir", dir]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /stack "a": invalid configuration in Pulumi\.a\.yaml\n {2}fleet:targets\[0\]\.regions\[1\]: "moon-1" is not an AWS region\. Fix: /);
    assert.doesNotMatch(result.stderr, /stack "b"/);
  });

  it("reports the issues of a bad file as JSON with --json", async () => {
    await writeFile(path.join(dir, "Pulumi.a.yaml"), `${good}  fleet:timeout: 31\n`);
    const result = await runCli(["check", "--dir", dir, "--json"]);
    assert.equal(result.code, 1);
    const output = JSON.parse(result.stdout) as { stacks: { stack: string; ok: boolean; issues: { key: string; message: string }[] }[] };
    assert.deepEqual(output.stacks.map((s) => [s.stack, s.ok]), [["a", false]]);
    assert.equal(output.stacks[0]!.issues[0]!.key, "fleet:timeout");
    assert.match(output.stacks[0]!.issues[0]!.message, /integration timeout of 30 s\. Fix: set fleet:timeout to 30 or less/);
  });

  it("names a stack that has no file", async () => {
    const result = await runCli(["check", "staging", "--dir", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /stack "staging".*\n.*Pulumi\.staging\.yaml: not found.*Fix: pulumi stack init staging/);
  });
});
