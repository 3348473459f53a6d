import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createRelease } from "../../artifacts/create-release";
import type { OutcomeRecord } from "../../artifacts/ledger";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import type { Digest } from "../../core/digest";
import { loadStage } from "../../core/stage";
import type { InterruptedRegion } from "../../rollout/unfinished";
import { planRollout } from "../../rollout/waves";
import { runCli } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const bin = path.resolve(__dirname, "../../cli/bin.js");
const prod = ["222222222222/us-east-1", "222222222222/us-west-2", "333333333333/eu-west-1", "333333333333/eu-central-1"];

/**
 * Every way a run can end, with real processes: SIGTERM (a CI cancel) and SIGKILL sent to a child `fleet promote`
 * right after its first region started changing, and a closed pipe. prod serves A, dev serves B.
 */
describe("a rollout ended by a signal or a closed pipe (real child processes)", function () {
  this.timeout(180_000);
  let root: string;
  let baseline: string;
  let a: Digest;
  let b: Digest;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-signals-"));
    baseline = path.join(root, "baseline");
    const store = new LocalReleaseStore(path.join(baseline, "releases"));
    for (const version of ["A", "B"]) {
      const dir = await writeTestBundle({ version });
      const { digest } = await createRelease({ store, bundleDir: dir, probes: testProbes });
      if (version === "A") a = digest;
      else b = digest;
      await rm(dir, { recursive: true, force: true });
    }
    for (const [stack, release] of [["prod", a], ["dev", b]] as const) {
      const deployed = await runCli(["deploy", "--local", "--stack", stack, "--release", release, "--bake", "0s"], { env: envOf(baseline) });
      assert.equal(deployed.code, 0, deployed.stderr);
    }
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A fresh copy of the baseline (store and local cloud) for one test. */
  async function copy(name: string): Promise<NodeJS.ProcessEnv> {
    const dir = path.join(root, name);
    await cp(baseline, dir, { recursive: true });
    return envOf(dir);
  }

  /** `fleet promote --local --from dev --to prod --yes --json`, sent `signal` once prod's first region is changing. */
  function promoteAndSend(env: NodeJS.ProcessEnv, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [bin, "promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--json", "--bake", "0s"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let sent = false;
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && stderr.includes("prod 222222222222/us-east-1: deploying")) sent = child.kill(signal);
    });
    return new Promise((resolve) => child.once("close", (code, by) => resolve({ code, signal: by, stdout, stderr })));
  }

  const stateOf = async (env: NodeJS.ProcessEnv) => (JSON.parse(await readFile(path.join(env.FLEET_LOCAL_DIR!, "prod.json"), "utf8")) as { releases: Record<string, string> }).releases;
  const everywhere = (digest: Digest) => Object.fromEntries(prod.map((key) => [key, digest]));
  const statusOf = async (env: NodeJS.ProcessEnv) => {
    const status = await runCli(["status", "--local", "--stack", "prod", "--json"], { env });
    assert.equal(status.code, 0, status.stderr);
    return { ...(JSON.parse(status.stdout) as { interrupted: InterruptedRegion[]; locks: { rollout: string; stale: string | null }[] }), stderr: status.stderr };
  };

  it("SIGTERM: finishes the region in flight, puts it back, records it, releases the lock and exits 143 with the report", async () => {
    const env = await copy("term");
    const run = await promoteAndSend(env, "SIGTERM");
    assert.equal(run.code, 143, run.stderr);
    assert.match(run.stderr, /interrupted by SIGTERM: finishing the region in flight, then putting changed regions back/);
    const report = JSON.parse(run.stdout) as { interrupted: boolean; rollout: string; regions: { key: string; result: string; live: string }[] };
    assert.equal(report.interrupted, true);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.live]), [[prod[0], "rolled back", a], ...prod.slice(1).map((key) => [key, "untouched", a])]);
    assert.deepEqual(await stateOf(env), everywhere(a));
    const steps = (await new LocalReleaseStore(env.FLEET_STORE!).ledger()).records.filter((r) => r.rollout === report.rollout).map((r) => `${r.step} ${r.region}`);
    // prod's canary [10]: the region's canary step came before its change, which the signal found in flight.
    assert.deepEqual(steps, ["intent us-east-1", "canary us-east-1", "outcome us-east-1", "outcome us-west-2", "outcome eu-west-1", "outcome eu-central-1"]);
    const status = await statusOf(env);
    assert.deepEqual([status.interrupted, status.locks], [[], []]);
  });

  it("SIGKILL: status names the region in doubt and the stale lock; after unlock, promote redoes that region instead of skipping it", async () => {
    const env = await copy("kill");
    const run = await promoteAndSend(env, "SIGKILL");
    assert.equal(run.signal, "SIGKILL");
    const status = await statusOf(env);
    assert.deepEqual(status.interrupted.map((r) => [r.key, r.from, r.to]), [[prod[0], a, b]]);
    assert.match(status.stderr, new RegExp(`stack prod has an unfinished rollout \\(${status.interrupted[0]!.rollout}\\): 222222222222/us-east-1 may be on ${a} or ${b}`));
    assert.match(status.locks[0]?.stale ?? "", /^pid \d+ is no longer running on /);

    const refused = await runCli(["promote", "--local", "--from", "dev", "--to", "prod", "--yes"], { env });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /stack prod is locked by a rollout that is gone: fleet promote --local --from dev --to prod --yes --json --bake 0s \(rollout \S+\) by .*\(stale: pid \d+ is no longer running on .*\).*Fix: .*'fleet unlock --stack prod'/);

    assert.equal((await runCli(["unlock", "--stack", "prod", "--yes"], { env })).code, 0);
    const plan = await runCli(["promote", "--local", "--from", "dev", "--to", "prod", "--dry-run"], { env });
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, new RegExp(`222222222222/us-east-1 +${a} or ${b} \\(unfinished rollout \\S+\\) -> ${b}, redone`));
    assert.match(plan.stdout, /waves:\n {4}1\. 1 {4}222222222222\/us-east-1\n/);
    assert.doesNotMatch(plan.stdout, /already there/);

    const again = await runCli(["promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--json", "--bake", "0s"], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /stack prod: this rollout takes over 222222222222\/us-east-1 from the unfinished one/);
    const report = JSON.parse(again.stdout) as { regions: { key: string; result: string; recovers?: string }[] };
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.recovers]), prod.map((key, i) => [key, "changed", i === 0 ? status.interrupted[0]!.rollout : undefined]));
    assert.deepEqual(await stateOf(env), everywhere(b));
    assert.deepEqual((await statusOf(env)).interrupted, []);
  });

  it("EPIPE (`fleet deploy … 2>&1 | head -1`): stops as on Ctrl-C, puts changed regions back, records it and exits 141 without a crash", async () => {
    const env = await copy("epipe");
    const { stdout } = await promisify(execFile)("bash", ["-c", `"${process.execPath}" "${bin}" deploy --local --stack prod --release ${b} --bake 0s 2>&1 | head -1; echo "fleet exited \${PIPESTATUS[0]}"`], { env: { ...process.env, ...env } });
    const [first, exit] = stdout.trimEnd().split("\n");
    assert.match(first!, /^prod: wave 1\/3 \(1\): 222222222222\/us-east-1|^prod 222222222222\/us-east-1: deploying|^stack prod/);
    assert.equal(exit, "fleet exited 141");
    assert.deepEqual(await stateOf(env), everywhere(a));
    // The closed pipe is noticed at the next write: in wave 1 or a moment later, in a later wave. Either way every
    // region it changed went back, and each intent has its outcome.
    const records = (await new LocalReleaseStore(env.FLEET_STORE!).ledger()).records;
    const id = records.at(-1)!.rollout;
    const mine = records.filter((r) => r.rollout === id);
    const changed = mine.filter((r) => r.step === "intent").map((r) => r.region);
    const reaches = planRollout(loadStage("prod").config.rollout, ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"], () => true).waves.map((wave) => wave.reach);
    assert.ok(reaches.includes(changed.length), `${changed} is not the regions of whole waves (${reaches})`);
    const outcomes = mine.filter((r): r is OutcomeRecord => r.step === "outcome");
    assert.deepEqual(outcomes.map((r) => [r.region, r.result]), ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"].map((region) => [region, changed.includes(region) ? "rolled back" : "untouched"]));
    assert.match(outcomes[0]!.reason ?? "", /^interrupted \((stdout|stderr) was closed\)$/);
    const status = await statusOf(env);
    assert.deepEqual([status.interrupted, status.locks], [[], []]);
  });

  it("a stdout closed before the report: the rollout completes and its report goes to stderr", async () => {
    const env = await copy("closed-stdout");
    const { stdout } = await promisify(execFile)("bash", ["-c", `"${process.execPath}" "${bin}" deploy --local --stack prod --release ${b} --bake 0s 2>"$ERR" | true; echo "fleet exited \${PIPESTATUS[0]}"`], {
      env: { ...process.env, ...env, ERR: path.join(env.FLEET_LOCAL_DIR!, "..", "stderr.txt") },
    });
    assert.equal(stdout.trim(), "fleet exited 0");
    const stderr = await readFile(path.join(env.FLEET_LOCAL_DIR!, "..", "stderr.txt"), "utf8");
    assert.match(stderr, /^deploy prod: done$/m);
    assert.doesNotMatch(stderr, /unexpected error|EPIPE/);
    assert.deepEqual(await stateOf(env), everywhere(b));
  });
});

function envOf(dir: string): NodeJS.ProcessEnv {
  return { FLEET_STORE: path.join(dir, "releases"), FLEET_LOCAL_DIR: path.join(dir, "local"), USER: "signals-test" };
}
