import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";

/**
 * The README's workflow, as a user runs it, with --local and the repository's own Pulumi.dev.yaml and
 * Pulumi.prod.yaml: each command serves the stacks itself (no `fleet start` running), over real HTTP.
 */
describe("fleet release workflow with --local (CLI, end to end)", function () {
  this.timeout(180_000);
  let env: NodeJS.ProcessEnv;
  let root: string;
  let digest: string;
  const fleet = (...args: string[]) => runCli(args, { env });
  /** The state the first test leaves (a release, deployed to dev, promoted to prod), made here when it did not run. */
  let workflowDone: Promise<void> | undefined;
  const afterWorkflow = () =>
    (workflowDone ??= (async () => {
      const release = await fleet("release");
      assert.equal(release.code, 0, release.stderr);
      digest = release.stdout.trim();
      for (const args of [["deploy", "--local", "--stack", "dev", "--release", digest], ["promote", "--local", "--from", "dev", "--to", "prod", "--yes"]]) {
        const run = await fleet(...args);
        assert.equal(run.code, 0, run.stderr);
      }
    })());

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-workflow-"));
    env = { FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: path.join(root, "local"), USER: "workflow-test" };
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("release, deploy dev, smoke dev, promote to prod, status: prod serves dev's digest", async () => {
    const release = await fleet("release");
    assert.equal(release.code, 0, release.stderr);
    digest = release.stdout.trim();

    const deploy = await fleet("deploy", "--local", "--stack", "dev", "--release", digest, "--json");
    assert.equal(deploy.code, 0, deploy.stderr);
    const deployed = JSON.parse(deploy.stdout) as { ok: boolean; regions: { key: string; result: string }[] };
    assert.deepEqual(deployed.regions.map((r) => r.result), ["changed", "changed"]);
    assert.match(deploy.stderr, /dev 111111111111\/us-east-1: smoke ok/);

    const smoke = await fleet("smoke", "--local", "--stack", "dev");
    assert.equal(smoke.code, 0, smoke.stderr);
    assert.match(smoke.stdout, new RegExp(`111111111111 +us-east-1 +ok +200 +\\d+ ms +${digest}`));

    const refused = await fleet("promote", "--local", "--from", "dev", "--to", "prod");
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /stdin is not a terminal. Re-run with --yes/);

    const dryRun = await fleet("promote", "--local", "--from", "dev", "--to", "prod", "--dry-run");
    assert.equal(dryRun.code, 0, dryRun.stderr);
    // Pulumi.prod.yaml's waves [1, 50%, 100%] over its 4 account × regions, bake 5m, canary [10] (none on a first deploy).
    assert.match(dryRun.stdout, /waves:\n    1\. 1    222222222222\/us-east-1\n    2\. 50%  222222222222\/us-west-2\n    3\. 100% 333333333333\/eu-west-1, 333333333333\/eu-central-1\n/);
    assert.match(dryRun.stdout, /per region: 10%, then 100%, a bake of 5m after each step and after each wave .*\n  expected duration: at least 15m \(3 bakes of 5m\)/);
    const dryJson = await fleet("promote", "--local", "--from", "dev", "--to", "prod", "--dry-run", "--json", "--bake", "1m");
    assert.equal(dryJson.code, 0, dryJson.stderr);
    const { plan } = JSON.parse(dryJson.stdout) as { plan: { rollout: { waves: { size: string; regions: string[] }[]; canary: number[]; bake: string; bakes: number; expected: string } } };
    assert.deepEqual(plan.rollout.waves.map((w) => [w.size, w.regions.length]), [["1", 1], ["50%", 1], ["100%", 2]]);
    assert.deepEqual([plan.rollout.canary, plan.rollout.bake, plan.rollout.bakes, plan.rollout.expected], [[10], "1m", 3, "3m"]);

    // No bake here: the bake itself is tested with short bakes (test/rollout/progressive.test.ts).
    const promote = await fleet("promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--json", "--bake", "0s");
    assert.equal(promote.code, 0, promote.stderr);
    const promoted = JSON.parse(promote.stdout) as { regions: { key: string; result: string; live: string }[] };
    assert.deepEqual(promoted.regions.map((r) => [r.result, r.live]), Array(4).fill(["changed", digest]));

    const status = await fleet("status", "--local", "--stack", "prod", "--json");
    assert.equal(status.code, 0, status.stderr);
    const state = JSON.parse(status.stdout) as { stacks: { regions: { release: string }[] }[]; history: { who: string; action: string }[] };
    assert.deepEqual(state.stacks[0]!.regions.map((r) => r.release), Array(4).fill(digest));
    // who: git config user.name when set, else $USER.
    assert.deepEqual(state.history.map((h) => h.action), Array(4).fill("promote"));
    assert.ok(state.history.every((h) => h.who !== ""));

    // --limit counts rollouts, each shown whole: the last one is the 4-region promotion, not one record of it.
    const last = JSON.parse((await fleet("status", "--local", "--limit", "1", "--json")).stdout) as { history: { action: string; stack: string }[] };
    assert.deepEqual(last.history.map((h) => `${h.action} ${h.stack}`), Array(4).fill("promote prod"));
    const two = JSON.parse((await fleet("status", "--local", "--limit", "2", "--json")).stdout) as { history: { action: string }[] };
    assert.deepEqual(two.history.map((h) => h.action), ["deploy", "deploy", "promote", "promote", "promote", "promote"]);
    workflowDone = Promise.resolve();
  });

  it("takes a release by the first 12 hex digits tables show, refuses a shorter or an ambiguous one", async () => {
    await afterWorkflow();
    const prefix = digest.slice(0, "sha256:".length + 12);
    const byPrefix = await fleet("rollback", "--local", "--stack", "prod", "--to", prefix, "--dry-run", "--json");
    assert.equal(byPrefix.code, 0, byPrefix.stderr);
    assert.deepEqual((JSON.parse(byPrefix.stdout) as { regions: { to: string }[] }).regions.map((r) => r.to), Array(4).fill(digest));
    // The plan follows prod's fleet:rollout; --fast keeps its waves and drops the canary steps and bakes.
    const planned = (JSON.parse(byPrefix.stdout) as { rollout: { canary: number[]; bake: string } }).rollout;
    assert.deepEqual([planned.canary, planned.bake], [[10], "5m"]);
    const bare = await fleet("rollback", "--local", "--stack", "prod", "--to", digest.slice("sha256:".length, "sha256:".length + 16).toUpperCase(), "--dry-run", "--json", "--fast");
    assert.equal(bare.code, 0, bare.stderr);
    const fast = (JSON.parse(bare.stdout) as { rollout: { waves: { size: string }[]; canary: number[]; bakes: number } }).rollout;
    assert.deepEqual([fast.waves.map((w) => w.size), fast.canary, fast.bakes], [["1", "50%", "100%"], [], 0]);

    const short = await fleet("rollback", "--local", "--stack", "prod", "--to", digest.slice(0, "sha256:".length + 11), "--dry-run");
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--to '.*' is too short to name one release: give at least 12 hex digits/);

    // Two manifests sharing a 12-digit prefix (no zip: listing reads manifests only).
    const manifest = JSON.parse(await readFile(path.join(root, "releases", `${digest.slice(7)}.json`), "utf8")) as { digest: string };
    const twins = ["a", "b"].map((last) => `abcdef012345${last.repeat(52)}`);
    for (const hex of twins) await writeFile(path.join(root, "releases", `${hex}.json`), JSON.stringify({ ...manifest, digest: `sha256:${hex}` }));
    try {
      const ambiguous = await fleet("deploy", "--local", "--stack", "dev", "--release", "sha256:abcdef012345");
      assert.equal(ambiguous.code, 2);
      assert.match(ambiguous.stderr, new RegExp(`--release 'sha256:abcdef012345' is ambiguous: 2 releases start with it:\n  sha256:${twins[0]}\n  sha256:${twins[1]}\nFix: give more digits`));
      const none = await fleet("deploy", "--local", "--stack", "dev", "--release", "sha256:0123456789ab");
      assert.equal(none.code, 2);
      assert.match(none.stderr, /--release 'sha256:0123456789ab' matches no release in the store/);
    } finally {
      for (const hex of twins) await rm(path.join(root, "releases", `${hex}.json`));
    }
  });

  it("refuses an unknown stack, a malformed or unknown digest, a corrupted artifact and a rollback with no history", async () => {
    await afterWorkflow();
    const unknownStack = await fleet("smoke", "--local", "--stack", "nope");
    assert.equal(unknownStack.code, 2);
    assert.match(unknownStack.stderr, /--stack nope: .*Pulumi\.nope\.yaml/);

    const malformed = await fleet("deploy", "--local", "--stack", "dev", "--release", "sha256:xyz");
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /--release 'sha256:xyz' is not a release digest/);


    const unknown = await fleet("deploy", "--local", "--stack", "dev", "--release", `sha256:${"0".repeat(64)}`);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /release sha256:0{64} is not in the store/);

    const corrupt = path.join(root, "releases", `${digest.slice("sha256:".length)}.zip`);
    await writeFile(corrupt, Buffer.concat([await readFile(corrupt), Buffer.from("tampered")]));
    const tampered = await fleet("promote", "--local", "--from", "dev", "--to", "prod", "--dry-run");
    assert.equal(tampered.code, 1);
    assert.match(tampered.stderr, new RegExp(`release ${digest} in .* is corrupted: .* hashes to sha256:`));

    const rollback = await fleet("rollback", "--local", "--stack", "prod", "--yes");
    assert.equal(rollback.code, 1);
    assert.match(rollback.stderr, /no earlier release of prod 222222222222\/us-east-1 in the ledger: pass --to sha256:<hex> \(see 'fleet status --local --stack prod'\)/);
  });
});
