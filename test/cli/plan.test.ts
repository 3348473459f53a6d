import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "../../core/paths";
import { runCli, type CliResult } from "../helpers/run-cli";

const PLACEHOLDER_RELEASE = `sha256:${"0".repeat(64)}`;

interface PlanJson {
  stack: string;
  resources: { type: string; name: string; parent: string | null; account: string | null; region: string | null; inputs: Record<string, unknown> }[];
  outputs: Record<string, unknown>;
}

describe("fleet plan", function () {
  this.timeout(120_000);
  let dir: string;
  let prodJson: CliResult;
  let devText: CliResult;
  let secretJson: CliResult;
  let devJson: CliResult;
  let govText: CliResult;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-plan-"));
    await writeFile(
      path.join(dir, "Pulumi.secret.yaml"),
      `config:\n  fleet:targets:\n    - account: "111111111111"\n      roleArn: arn:aws:iam::111111111111:role/fleet-deploy\n      regions: [us-east-1]\n` +
        `  fleet:release: ${PLACEHOLDER_RELEASE}\n  fleet:secrets:\n    API_TOKEN:\n      secure: v1:ciphertext-that-plan-never-decrypts\n`,
    );
    await writeFile(
      path.join(dir, "Pulumi.gov.yaml"),
      `config:\n  fleet:targets:\n    - account: "111111111111"\n      roleArn: arn:aws:iam::111111111111:role/fleet-deploy\n      regions: [us-east-1, us-gov-west-1]\n` +
        `  fleet:release: ${PLACEHOLDER_RELEASE}\n`,
    );
    // Plans of stacks whose release is `build` would bundle the app; a pinned digest keeps these tests off the app.
    [prodJson, devText, secretJson, devJson, govText] = await Promise.all([
      runCli(["plan", "--stack", "prod", "--json"]),
      runCli(["plan", "--stack", "dev", "--release", PLACEHOLDER_RELEASE]),
      runCli(["plan", "--stack", "secret", "--dir", dir, "--json"]),
      runCli(["plan", "--stack", "dev", "--release", PLACEHOLDER_RELEASE, "--json"]),
      runCli(["plan", "--stack", "gov", "--dir", dir]),
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints { stack, resources: [{ type, name, parent, account, region, inputs }] } with --json", () => {
    assert.equal(prodJson.code, 0, prodJson.stderr);
    const plan = JSON.parse(prodJson.stdout) as PlanJson;
    assert.equal(plan.stack, "prod");
    assert.ok(plan.resources.length > 0);
    for (const resource of plan.resources) {
      assert.deepEqual(Object.keys(resource), ["type", "name", "parent", "account", "region", "inputs"]);
    }
    const functions = plan.resources.filter((r) => r.type === "aws:lambda/function:Function");
    assert.deepEqual(functions.map((f) => `${f.account}/${f.region}`).sort(), ["222222222222/us-east-1", "222222222222/us-west-2", "333333333333/eu-central-1", "333333333333/eu-west-1"]);
    assert.ok(functions.every((f) => f.parent?.includes("fleet:aws:Function")));
    assert.equal(Object.keys(plan.outputs.endpoints as object).length, 4);
  });

  it("shows every IAM role of dev and prod with its account's permissions boundary", () => {
    for (const result of [devJson, prodJson]) {
      assert.equal(result.code, 0, result.stderr);
      const roles = (JSON.parse(result.stdout) as PlanJson).resources.filter((r) => r.type === "aws:iam/role:Role");
      assert.ok(roles.length > 0);
      for (const role of roles) assert.equal(role.inputs.permissionsBoundary, `arn:aws:iam::${role.account}:policy/fleet-boundary`, role.name);
    }
  });

  it("prints the same plan on every machine: no path of the clone it ran in, archives relative to the repository", () => {
    assert.ok(!prodJson.stdout.includes(repoRoot), "the clone's path is in the plan");
    const plan = JSON.parse(prodJson.stdout) as PlanJson;
    const archives = plan.resources.flatMap((r) => (r.type === "aws:lambda/function:Function" ? [(r.inputs.code as { archive: string }).archive] : []));
    assert.equal(archives.length, 4);
    for (const archive of archives) assert.match(archive, /^\.fleet\/releases\/[0-9a-f]{64}\.zip$/);
  });

  it("prints the plan grouped by account and region", () => {
    assert.equal(devText.code, 0, devText.stderr);
    const lines = devText.stdout.split("\n");
    assert.match(lines[0]!, /^Plan for stack dev: \d+ resources to create$/);
    const account = lines.indexOf("account 111111111111");
    const east = lines.findIndex((line) => /^ {2}region us-east-1 \(\d+\)$/.test(line));
    const west = lines.findIndex((line) => /^ {2}region eu-west-1 \(\d+\)$/.test(line));
    assert.ok(account >= 0 && east > account && west > east, devText.stdout);
    const eastBlock = lines.slice(east, west);
    assert.ok(eastBlock.some((line) => /\+ aws:lambda\/function:Function {2}dev-111111111111-us-east-1-function-fn$/.test(line)));
    assert.ok(!eastBlock.some((line) => line.includes("eu-west-1")), "no eu-west-1 resource under us-east-1");
    assert.match(devText.stdout, /warning: release sha256:0{64} is not in the local store/);
  });

  it("masks secrets and never decrypts them", () => {
    assert.equal(secretJson.code, 0, secretJson.stderr);
    const plan = JSON.parse(secretJson.stdout) as PlanJson;
    const fn = plan.resources.find((r) => r.type === "aws:lambda/function:Function");
    // Key by key: the reviewer sees every plain variable.
    assert.deepEqual(fn?.inputs.environment, { variables: { FLEET_STAGE: "secret", FLEET_RELEASE: PLACEHOLDER_RELEASE, FLEET_LOG_LEVEL: "info", API_TOKEN: "[secret]" } });
    assert.doesNotMatch(secretJson.stdout, /ciphertext-that-plan-never-decrypts/);
  });

  it("fails with the stack's configuration errors and exit 1", async () => {
    await writeFile(path.join(dir, "Pulumi.bad.yaml"), `config:\n  fleet:targets: []\n`);
    const result = await runCli(["plan", "--stack", "bad", "--dir", dir]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /fleet: stack "bad": invalid configuration in Pulumi\.bad\.yaml\n {2}fleet:targets: is empty\. Fix: /);
  });

  it("refuses a region of another partition before planning anything: partition aws-us-gov is not supported", () => {
    assert.equal(govText.code, 1, govText.stdout);
    assert.equal(govText.stdout, "");
    assert.match(govText.stderr, /fleet:targets\[0\]\.regions\[1\]: is a region of partition aws-us-gov: partition aws-us-gov is not supported.* \(got "us-gov-west-1"\)\. Fix: /);
  });

  it("takes a release by its first 12 hex digits, from the store the program deploys from", async () => {
    const result = await runCli(["plan", "--stack", "dev", "--release", "sha256:0123456789ab"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--release 'sha256:0123456789ab' matches no release in the store/);
  });
});
