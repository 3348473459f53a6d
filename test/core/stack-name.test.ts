import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bootstrapStack, readBootstrapFile } from "../../bootstrap/config";
import { checkStackName, InvalidStackNameError } from "../../core/stack-name";
import { loadStage } from "../../core/stage";
import { readStageFile, stageFilePath } from "../../core/stage-file";
import { endpointsFile, stateFile } from "../../local-cloud/local-state";
import { runCli } from "../helpers/run-cli";

const good = `config:\n  fleet:targets:\n    - account: "111111111111"\n      roleArn: arn:aws:iam::111111111111:role/fleet-deploy\n      regions: [us-east-1]\n`;
const pathLike = ["/../../../../tmp/fx", "../x", "a/b", "..\\x", "", " dev", "dev ", "d\u0000ev", "x".repeat(101), "dév"];

function refused(run: () => unknown, name: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof InvalidStackNameError, `${JSON.stringify(name)}: ${String(error)}`);
    assert.match(error.message, /is not one Pulumi accepts: a stack name is 1 to 100 letters, digits, '-', '_' or '\.'.*Fix: /);
    return true;
  });
}

describe("stack names: one validator, Pulumi's rule (core/stack-name.ts)", () => {
  it("accepts what Pulumi accepts: letters, digits, -, _ and ., 1 to 100 characters", () => {
    for (const name of ["dev", "prod", "feature-x_2", "v1.2", ".", "..", "x".repeat(100)]) assert.equal(checkStackName(name), name);
  });

  it("refuses paths, separators, control characters, non-ASCII, empty and over-long names", () => {
    for (const name of pathLike) refused(() => checkStackName(name), name);
  });

  it("refuses them wherever a name becomes a file: loadStage, the stage files, the local cloud's state, the bootstrap's files", () => {
    for (const name of pathLike) {
      refused(() => bootstrapStack(name), name);
      refused(() => readBootstrapFile(name), name);
      refused(() => loadStage(name), name);
      refused(() => readStageFile(name), name);
      refused(() => stageFilePath(name), name);
      refused(() => stateFile("/tmp/state", name), name);
      refused(() => endpointsFile("/tmp/state", name), name);
    }
  });

  it("fleet check and deploy --local refuse a path-like stack before touching a file (regression: ok, then /tmp/fx.json)", async () => {
    // A layout where the traversal lands on a valid stage file: <base>/repo/Pulumi./../../outside/fx.yaml is <base>/outside/fx.yaml.
    const base = mkdtempSync(path.join(tmpdir(), "fleet-stack-name-"));
    try {
      const repo = path.join(base, "repo");
      const outside = path.join(base, "outside");
      mkdirSync(repo);
      mkdirSync(outside);
      writeFileSync(path.join(outside, "fx.yaml"), good);
      const traversal = "/../../outside/fx";
      assert.ok(existsSync(path.join(repo, `Pulumi.${traversal}.yaml`)), "the traversal reaches the file");

      const check = await runCli(["check", "--dir", repo, traversal]);
      assert.equal(check.code, 2, check.stdout);
      assert.doesNotMatch(check.stdout, /ok/);
      assert.match(check.stderr, /stack name "\/\.\.\/\.\.\/outside\/fx" is not one Pulumi accepts.*Fix: /);

      const localDir = path.join(base, "local", "state");
      const deploy = await runCli(["deploy", "--local", "--stack", traversal, "--release", `sha256:${"a".repeat(64)}`], { env: { FLEET_LOCAL_DIR: localDir } });
      assert.equal(deploy.code, 2, deploy.stderr);
      assert.match(deploy.stderr, /--stack \/\.\.\/\.\.\/outside\/fx: stack name .* is not one Pulumi accepts/);
      assert.deepEqual(readdirSync(outside), ["fx.yaml"]);
      assert.equal(existsSync(path.join(base, "local")), false, "nothing of the local cloud was written");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it("fleet plan refuses it too, with exit 2", async () => {
    const plan = await runCli(["plan", "--stack", "../prod"]);
    assert.equal(plan.code, 2, plan.stderr);
    assert.match(plan.stderr, /--stack \.\.\/prod: stack name "\.\.\/prod" is not one Pulumi accepts/);
  });
});
