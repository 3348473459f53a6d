import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import type { LedgerRecord, OutcomeRecord } from "../../artifacts/ledger";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import type { Digest } from "../../core/digest";
import { regionKey } from "../../core/region-key";
import { loadStage } from "../../core/stage";
import { planRollout } from "../../rollout/waves";
import { interruptedRegions, type InterruptedRegion } from "../../rollout/unfinished";
import { runCli, type CliResult } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const prod = ["222222222222/us-east-1", "222222222222/us-west-2", "333333333333/eu-west-1", "333333333333/eu-central-1"];
/** The regions prod's first two waves reach (from Pulumi.prod.yaml's fleet:rollout, as the rollout plans them). */
const [wave1, wave2] = planRollout(loadStage("prod").config.rollout, prod, () => true).waves.map((wave) => prod.slice(0, wave.reach));

/**
 * Where a crash can cut a rollout (`FLEET_TEST_CRASH_AT`, rollout/crash-points.ts), and which regions the ledger then
 * shows in doubt: `fleet deploy --local --stack prod` of a new release over prod (waves from the
 * stage file: us-east-1 alone first), killed with SIGKILL at each step. `broken` fails smoke in eu-central-1, so the rollout reverts.
 */
const cases = [
  { step: "before-intent", release: "next", inDoubt: [] },
  { step: "after-intent", release: "next", inDoubt: wave1! },
  // Mid-canary: prod's canary [10] sends 10% of us-east-1's requests to the new release.
  { step: "after-shift", release: "next", inDoubt: wave1! },
  { step: "after-change", release: "next", inDoubt: wave1! },
  { step: "after-smoke", release: "next", inDoubt: wave1! },
  { step: "after-change:2", release: "next", inDoubt: wave2! },
  { step: "after-outcome", release: "next", inDoubt: [] },
  { step: "during-revert", release: "broken", inDoubt: prod },
] as const;

interface Run {
  crash: CliResult;
  /** `.fleet/local/prod.json` right after the crash: each region's release, and its canary step if in one. */
  state: Record<string, string>;
  canaries: Record<string, unknown>;
  ledger: { records: LedgerRecord[]; warnings: string[] };
  status: CliResult;
  unlock: CliResult;
  rollback: CliResult | undefined;
  /** After unlock and rollback: the state, what the ledger leaves in doubt, the lock. */
  after: { state: Record<string, string>; canaries: Record<string, unknown>; inDoubt: InterruptedRegion[]; locked: boolean };
}

/**
 * Crash-point tests (SQLite's crash tests are the model): a real `fleet` child process kills itself at a named step
 * of a rollout, and after each the invariants hold: every region is on a digest the ledger explains, `status` shows
 * the interruption exactly when there is one, `rollback` restores the digests from before the rollout, and no
 * ledger line is lost or torn.
 */
describe("a rollout killed at each of its steps (real processes, SIGKILL at the step)", function () {
  this.timeout(300_000);
  let root: string;
  const releases: Record<"base" | "next" | "broken", Digest> = {} as never;
  const runs = new Map<string, Run>();

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-crash-"));
    const baseline = path.join(root, "baseline");
    const store = new LocalReleaseStore(path.join(baseline, "releases"));
    for (const [name, options] of [["base", { version: "base" }], ["next", { version: "next" }], ["broken", { version: "broken", failInRegion: "eu-central-1" }]] as const) {
      const dir = await writeTestBundle(options);
      releases[name] = (await createRelease({ store, bundleDir: dir, probes: testProbes })).digest;
      await rm(dir, { recursive: true, force: true });
    }
    const deployed = await runCli(["deploy", "--local", "--stack", "prod", "--release", releases.base, "--bake", "0s"], { env: envOf(baseline) });
    assert.equal(deployed.code, 0, deployed.stderr);
    // Four at a time: each run serves prod's four regions.
    const queue = [...cases];
    await Promise.all(
      [1, 2, 3, 4].map(async () => {
        for (let c = queue.shift(); c; c = queue.shift()) runs.set(c.step, await crashAndRecover(root, baseline, c.step, releases[c.release], c.step !== "before-intent"));
      }),
    );
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const c of cases) {
    it(`${c.step}: the regions are on digests the ledger explains, status shows exactly what is in doubt, rollback restores the digests from before`, () => {
      const run = runs.get(c.step)!;
      assert.equal(run.crash.signal, "SIGKILL", `the deploy was to die at ${c.step}: ${run.crash.stderr}`);

      // No ledger line lost or torn: every line reads, and this rollout's intents are all there.
      assert.deepEqual(run.ledger.warnings, []);
      const status = JSON.parse(run.status.stdout) as { interrupted: InterruptedRegion[]; locks: { stack: string; rollout: string; stale: string | null }[] };
      const rolloutId = status.locks[0]?.rollout;
      const intents = run.ledger.records.filter((r) => r.step === "intent" && r.rollout === rolloutId).map((r) => regionKey(r.account, r.region));
      assert.deepEqual(intents, c.step === "before-intent" ? [] : c.step === "after-intent" || c.step === "after-shift" || c.step === "after-change" || c.step === "after-smoke" ? wave1 : c.step === "after-change:2" ? wave2 : prod);

      // Every region is on a digest the ledger explains: one its unfinished intent names, else its last outcome's.
      for (const key of prod) {
        const doubt = status.interrupted.find((r) => r.key === key);
        const last = run.ledger.records.filter((r): r is OutcomeRecord => r.step === "outcome" && regionKey(r.account, r.region) === key).at(-1);
        const explained = doubt ? [doubt.from, doubt.to] : [last?.live];
        assert.ok(explained.includes(run.state[key] as Digest), `${key} serves ${run.state[key]}, the ledger says ${explained.join(" or ")}`);
      }

      // status shows the interruption exactly when there is one, and the lock the killed process left, as stale.
      assert.deepEqual(status.interrupted.map((r) => [r.key, r.from, r.to]), c.inDoubt.map((key) => [key, releases.base, releases[c.release]]));
      // A region in doubt that got its canary step is reported with the step's weight (its ledger record): it may
      // be in it still (killed right after the shift, and then it is), or past it.
      const midCanary = c.step === "after-shift";
      assert.deepEqual(status.interrupted.map((r) => r.weight), c.inDoubt.map(() => (c.step === "after-intent" ? undefined : 10)));
      assert.deepEqual(Object.keys(run.canaries), midCanary ? wave1 : []);
      if (midCanary) assert.match(run.status.stderr, /222222222222\/us-east-1 may be on \S+ or \S+ or in a canary step sending 10% to /);
      assert.match(run.status.stderr, c.inDoubt.length > 0 ? /stack prod has an unfinished rollout/ : /^(?![\s\S]*unfinished rollout)/);
      assert.deepEqual(status.locks.map((l) => [l.stack, /^pid \d+ is no longer running/.test(l.stale ?? "")]), [["prod", true]]);

      // unlock breaks the stale lock; rollback (when anything may have changed) puts every region back.
      assert.equal(run.unlock.code, 0, run.unlock.stderr);
      if (run.rollback) assert.equal(run.rollback.code, 0, run.rollback.stderr);
      assert.deepEqual(run.after.state, Object.fromEntries(prod.map((key) => [key, releases.base])));
      assert.deepEqual([run.after.inDoubt, run.after.locked, run.after.canaries], [[], false, {}]);
    });
  }
});

function envOf(dir: string): NodeJS.ProcessEnv {
  return { FLEET_STORE: path.join(dir, "releases"), FLEET_LOCAL_DIR: path.join(dir, "local"), USER: "crash-test" };
}

async function stateOf(dir: string): Promise<Record<string, string>> {
  return (JSON.parse(await readFile(path.join(dir, "local", "prod.json"), "utf8")) as { releases: Record<string, string> }).releases;
}

async function canariesOf(dir: string): Promise<Record<string, unknown>> {
  return (JSON.parse(await readFile(path.join(dir, "local", "prod.json"), "utf8")) as { canaries?: Record<string, unknown> }).canaries ?? {};
}

/** From a copy of the baseline: the deploy that dies at `step`, what is left, then unlock, rollback and status. */
async function crashAndRecover(root: string, baseline: string, step: string, release: Digest, rollBack: boolean): Promise<Run> {
  const dir = path.join(root, step.replace(":", "-"));
  await cp(baseline, dir, { recursive: true });
  const env = envOf(dir);
  // No bake: the crash points are the same with one, and bakes are tested with short ones (test/rollout/progressive.test.ts).
  const crash = await runCli(["deploy", "--local", "--stack", "prod", "--release", release, "--bake", "0s"], { env: { ...env, FLEET_TEST_CRASH_AT: step } });
  const state = await stateOf(dir);
  const canaries = await canariesOf(dir);
  const ledger = await new LocalReleaseStore(path.join(dir, "releases")).ledger();
  const status = await runCli(["status", "--local", "--stack", "prod", "--json"], { env });
  const unlock = await runCli(["unlock", "--stack", "prod", "--yes"], { env });
  const rollback = rollBack ? await runCli(["rollback", "--local", "--stack", "prod", "--yes", "--json", "--fast"], { env }) : undefined;
  const store = new LocalReleaseStore(path.join(dir, "releases"));
  const after = { state: await stateOf(dir), canaries: await canariesOf(dir), inDoubt: interruptedRegions((await store.ledger()).records), locked: (await store.readLock("prod")) !== undefined };
  return { crash, state, canaries, ledger, status, unlock, rollback, after };
}
