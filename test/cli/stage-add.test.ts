import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { readStageFile } from "../../core/stage-file";
import { runCli } from "../helpers/run-cli";

const role = "arn:aws:iam::123456789012:role/fleet-deploy";

describe("fleet stage add", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-stage-add-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes a commented Pulumi.<name>.yaml that the schema and fleet check accept as given", async () => {
    const result = await runCli(["stage", "add", "staging", "--account", "012345678901", "--role-arn", "arn:aws:iam::012345678901:role/fleet-deploy", "--regions", "eu-west-1,us-east-1", "--api", "rest", "--dir", dir]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /wrote .*Pulumi\.staging\.yaml\nnext: fleet check staging; fleet plan --stack staging; pulumi stack init staging/);
    const text = await readFile(path.join(dir, "Pulumi.staging.yaml"), "utf8");
    assert.match(text, /^# Stage staging: /);
    assert.ok(text.split("\n").filter((line) => /^\s*#/.test(line)).length >= 6, "commented");
    const config = readStageFile("staging", dir);
    assert.deepEqual(config.targets, [{ account: "012345678901", roleArn: "arn:aws:iam::012345678901:role/fleet-deploy", regions: ["eu-west-1", "us-east-1"] }]);
    assert.equal(config.api, "rest");
    const check = await runCli(["check", "staging", "--dir", dir]);
    assert.equal(check.code, 0, check.stderr);
  });

  it("never overwrites a stage file, and leaves it as it was", async () => {
    await writeFile(path.join(dir, "Pulumi.prod.yaml"), "# mine\n");
    const result = await runCli(["stage", "add", "prod", "--account", "123456789012", "--role-arn", role, "--regions", "us-east-1", "--dir", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /Pulumi\.prod\.yaml already exists: fleet stage add never overwrites a stage\. Fix: /);
    assert.equal(await readFile(path.join(dir, "Pulumi.prod.yaml"), "utf8"), "# mine\n");
    assert.deepEqual(await readdir(dir), ["Pulumi.prod.yaml"], "no temporary file left");
  });

  it("refuses bad input with every problem at once and writes nothing", async () => {
    const result = await runCli(["stage", "add", "qa", "--account", "1234", "--role-arn", role, "--regions", "us-east-1,eu-wset-1", "--dir", dir]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /fleet:targets\[0\]\.account: must be exactly 12 digits \(got "1234"\)/);
    assert.match(result.stderr, /fleet:targets\[0\]\.regions\[1\]: is not an AWS region \(got "eu-wset-1"\)/);
    assert.match(result.stderr, /eu-wset-1: did you mean eu-west-1\?\nNothing was written\./);
    const [name, action, missing] = await Promise.all([
      runCli(["stage", "add", "../x", "--account", "123456789012", "--role-arn", role, "--regions", "us-east-1", "--dir", dir]),
      runCli(["stage", "ad", "qa", "--dir", dir]),
      runCli(["stage", "add", "qa", "--account", "123456789012", "--dir", dir]),
    ]);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /stack name "\.\.\/x" is not one Pulumi accepts/);
    assert.equal(action.code, 2);
    assert.match(action.stderr, /unknown action 'ad' \(did you mean 'add'\?\)/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--role-arn is required/);
    assert.deepEqual(await readdir(dir), []);
  });
});
