import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { SECRET_PLACEHOLDER, StageConfigError } from "../../core/stage-schema";
import { listStageFiles, maxStageFileBytes, readStageFile, readStageFileValues } from "../../core/stage-file";

const target = `  fleet:targets:\n    - account: "111111111111"\n      roleArn: arn:aws:iam::111111111111:role/fleet-deploy\n      regions: [us-east-1]\n`;

describe("readStageFile (stacks/stage-file.ts)", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-stage-file-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function thrown(run: () => unknown): StageConfigError {
    try {
      run();
    } catch (error) {
      assert.ok(error instanceof StageConfigError, String(error));
      return error;
    }
    assert.fail("no error");
  }

  it("reads the repository's dev and prod stacks into valid configurations", () => {
    assert.deepEqual(listStageFiles().filter((stack) => stack === "dev" || stack === "prod"), ["dev", "prod"]);
    const dev = readStageFile("dev");
    assert.equal(dev.targets.length, 1);
    assert.equal(dev.targets[0]!.regions.length, 2);
    assert.equal(dev.release, "build");
    const prod = readStageFile("prod");
    assert.deepEqual(prod.targets.map((t) => t.regions.length), [2, 2]);
    assert.notEqual(prod.targets[0]!.account, prod.targets[1]!.account);
    assert.ok(prod.memory > dev.memory && prod.logRetentionDays > dev.logRetentionDays);
    assert.equal(prod.requireRelease, true);
    assert.ok(prod.provisionedConcurrency && prod.alarms.email);
  });

  it("reads secure: values as a placeholder without decrypting and reports their key as secret", async () => {
    await writeFile(path.join(root, "Pulumi.s.yaml"), `config:\n${target}  fleet:secrets:\n    API_TOKEN:\n      secure: v1:abc:def\n`);
    const values = readStageFileValues("s", root);
    assert.deepEqual(values.values.secrets, { API_TOKEN: SECRET_PLACEHOLDER });
    assert.deepEqual(values.secretKeys, ["fleet:secrets"]);
    assert.deepEqual(readStageFile("s", root).secrets, { API_TOKEN: SECRET_PLACEHOLDER });
  });

  it("reads keys written without the project namespace and ignores other namespaces", async () => {
    await writeFile(path.join(root, "Pulumi.n.yaml"), `config:\n  aws:region: us-east-1\n  fleet:api: rest\n${target.replace("fleet:targets", "targets")}`);
    const config = readStageFile("n", root);
    assert.equal(config.api, "rest");
    assert.equal(config.targets[0]!.account, "111111111111");
  });

  it("rejects a secret stored in plain text, naming the command that encrypts it", async () => {
    await writeFile(path.join(root, "Pulumi.p.yaml"), `config:\n${target}  fleet:secrets:\n    API_TOKEN: plain\n`);
    const error = thrown(() => readStageFile("p", root));
    assert.deepEqual(error.issues.map((issue) => issue.key), ["fleet:secrets.API_TOKEN"]);
    assert.match(error.message, /pulumi config set --secret --path 'fleet:secrets.API_TOKEN' <value> -s p/);
  });

  it("rejects an encrypted value outside fleet:secrets", async () => {
    await writeFile(path.join(root, "Pulumi.e.yaml"), `config:\n${target}  fleet:env:\n    TOKEN:\n      secure: v1:abc\n`);
    const error = thrown(() => readStageFile("e", root));
    assert.deepEqual(error.issues.map((issue) => issue.key), ["fleet:env.TOKEN"]);
    assert.match(error.message, /only fleet:secrets may hold secret values/);
  });

  it("names the stack and the fix for a missing file and for broken YAML", async () => {
    assert.match(thrown(() => readStageFile("nowhere", root)).message, /stack "nowhere".*\n.*Pulumi\.nowhere\.yaml: not found.*Fix: pulumi stack init nowhere/);
    await writeFile(path.join(root, "Pulumi.y.yaml"), "config:\n  fleet:api: [rest\n");
    assert.match(thrown(() => readStageFile("y", root)).message, /Pulumi\.y\.yaml: is not valid YAML.*Fix: correct the YAML syntax/);
  });

  it("validates with the program's schema and messages", async () => {
    await writeFile(path.join(root, "Pulumi.b.yaml"), `config:\n${target.replace("us-east-1]", "us-east-1, us-east-9]")}`);
    const error = thrown(() => readStageFile("b", root));
    assert.deepEqual(error.issues, [{ key: "fleet:targets[0].regions[1]", message: 'is not an AWS region (got "us-east-9"). Fix: use a region name such as us-east-1 or eu-west-1' }]);
  });

  it("reports the file's secret problems together with its schema errors, each key once", async () => {
    await writeFile(
      path.join(root, "Pulumi.m.yaml"),
      `config:
${target}  fleet:memory:
    secure: v1:abc
  fleet:timeout: 0
  fleet:secrets:
    API_TOKEN: plain
`,
    );
    const error = thrown(() => readStageFile("m", root));
    assert.deepEqual(error.issues.map((issue) => issue.key), ["fleet:memory", "fleet:secrets.API_TOKEN", "fleet:timeout"]);
    assert.match(error.issues[0]!.message, /only fleet:secrets may hold secret values/);
  });

  it("refuses a stage file over 64 KiB before parsing it (regression: 4.6 MB of 40,000 keys took 37 s)", async () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `    KEY_NUMBER_${i}: "a value of some length ${i}"\n`).join("");
    const text = `config:\n${target}  fleet:env:\n${keys}`;
    assert.ok(text.length > 2_000_000);
    await writeFile(path.join(root, "Pulumi.huge.yaml"), text);
    const error = thrown(() => readStageFile("huge", root));
    assert.deepEqual(error.issues.map((issue) => issue.key), ["Pulumi.huge.yaml"]);
    assert.match(error.issues[0]!.message, new RegExp(`^is ${Buffer.byteLength(text)} bytes, over the ${maxStageFileBytes} a stack file may be .*so it was not parsed\\. Fix: `));
  });

  it("reads a stage file of exactly 64 KiB", async () => {
    const head = `config:\n${target}  fleet:description: "`;
    await writeFile(path.join(root, "Pulumi.edge.yaml"), `${head}${"x".repeat(maxStageFileBytes - head.length - 2)}"\n`);
    // The key is unknown to the schema: what matters is that the file was parsed and validated, not refused.
    assert.match(thrown(() => readStageFile("edge", root)).message, /fleet:description: is not a fleet setting/);
  });
});
