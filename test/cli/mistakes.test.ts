import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";

/** One behaviour for every mistake: whichever command it is given to, a mistyped stack gets the same answer. */
describe("fleet: the same answer to a mistake in every command", function () {
  this.timeout(60_000);
  let env: NodeJS.ProcessEnv;
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-mistakes-"));
    env = { FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: path.join(root, "local") };
  });
  after(() => rm(root, { recursive: true, force: true }));
  const fleet = (...args: string[]) => runCli(args, { env });

  it("refuses an unknown stack in every command that takes one: exit 2, the stacks there are, the closest one", async () => {
    const runs = await Promise.all(
      [
        ["start", "--stack", "prd"],
        ["plan", "--stack", "prd"],
        ["check", "prd"],
        ["deploy", "--local", "--stack", "prd"],
        ["smoke", "--local", "--stack", "prd"],
        ["status", "--local", "--stack", "prd"],
        ["rollback", "--local", "--stack", "prd", "--yes"],
        ["promote", "--local", "--from", "dev", "--to", "prd", "--yes"],
        ["promote", "--local", "--from", "prd", "--to", "dev", "--yes"],
      ].map(async (args) => [args.join(" "), await fleet(...args)] as const),
    );
    for (const [args, result] of runs) {
      assert.equal(result.code, 2, `${args}: ${result.stderr}`);
      assert.match(result.stderr, /unknown stack 'prd' \(did you mean 'prod'\?\): there is no Pulumi\.prd\.yaml \(stacks here: dev, prod\)\. Fix: /, args);
      assert.equal(result.stdout, "", args);
    }
  });

  it("names the stacks there are when a stack flag is missing, with an example that fits the command", async () => {
    const [deploy, plan, promote] = await Promise.all([fleet("deploy", "--local"), fleet("plan"), fleet("promote", "--local", "--from", "dev", "--yes")]);
    assert.equal(deploy.code, 2);
    assert.match(deploy.stderr, /--stack <stack> is required \(e\.g\. --stack dev; stacks here: dev, prod\)/);
    assert.equal(plan.code, 2);
    assert.match(plan.stderr, /--stack <stack> is required \(e\.g\. --stack dev; stacks here: dev, prod\)/);
    assert.equal(promote.code, 2);
    assert.match(promote.stderr, /--to <stack> is required \(e\.g\. --from dev --to prod; stacks here: dev, prod\)/);
  });

  it("refuses a promotion from a stack into itself, with the command that would do it", async () => {
    const result = await fleet("promote", "--local", "--from", "dev", "--to", "dev", "--yes");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--from and --to are both 'dev'.*Fix: fleet promote --local --from dev --to prod$/m);
  });

  it("repeats --local and the stack in every hint, so pasting it works", async () => {
    const [smoke, promote] = await Promise.all([fleet("smoke", "--local", "--stack", "dev"), fleet("promote", "--local", "--from", "dev", "--to", "prod", "--dry-run")]);
    assert.equal(smoke.code, 1);
    assert.match(smoke.stdout, /no release deployed here: run 'fleet deploy --local --stack dev' first/);
    assert.equal(promote.code, 1);
    assert.match(promote.stderr, /dev does not serve a release in .*: deploy one there first \('fleet deploy --local --stack dev'\)/);
  });
});
