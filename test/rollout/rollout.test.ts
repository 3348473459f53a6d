import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Digest } from "../../core/digest";
import { createRelease } from "../../artifacts/create-release";
import type { OutcomeRecord } from "../../artifacts/ledger";
import { planPromotion, rollbackTargets } from "../../rollout/plans";
import { rollout, type RolloutOptions } from "../../rollout/rollout";
import { smokeRegions } from "../../rollout/smoke";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { LocalTarget } from "../../targets/local-target";
import type { Target } from "../../targets/target";
import { interruptedRegions } from "../../rollout/unfinished";
import { testStage } from "../helpers/stages";
import { writeTestBundle, type TestBundleOptions, testProbes } from "../helpers/test-bundle";

const dev = testStage("dev", [["111111111111", ["us-east-1", "eu-west-1"]]], { api: "rest" });
const prod = testStage("prod", [
  ["222222222222", ["us-east-1", "eu-west-1"]],
  ["333333333333", ["eu-central-1"]],
]);

/** GET /health of every region of a target, as a client sees it: key → reported release. */
async function served(target: LocalTarget): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const region of await target.live()) {
    const response = await fetch(new URL("health", region.url!));
    out[region.key] = response.status === 200 ? ((await response.json()) as { release: unknown }).release : `HTTP ${response.status}`;
  }
  return out;
}

const everywhere = (target: LocalTarget, digest: Digest) => Object.fromEntries(target.stage.regions.map((r) => [r.key, digest]));

/** Puts every region of a target on a release directly (no rollout, no ledger): the state a test starts from. */
const serving = (target: LocalTarget, digest: Digest) => target.apply(everywhere(target, digest), () => undefined);

describe("release rollout through the local cloud (real HTTP on 127.0.0.1)", function () {
  // Each wave starts worker threads in the emulator; generous, never asserted.
  this.timeout(60_000);
  let root: string;
  let store: LocalReleaseStore;
  let devTarget: LocalTarget;
  let prodTarget: LocalTarget;
  const releases: Record<string, Digest> = {};
  const progressLines: string[] = [];
  const base = (target: Target, overrides: Partial<RolloutOptions> = {}): RolloutOptions => ({
    target,
    action: "deploy",
    desired: {},
    store,
    who: "tester",
    progress: (line) => progressLines.push(line),
    smokeTimeoutMs: 5_000,
    ...overrides,
  });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-rollout-"));
    store = new LocalReleaseStore(path.join(root, "releases"));
    const variants: Record<string, TestBundleOptions> = {
      good: { version: "1" },
      next: { version: "2" },
      brokenInEuCentral: { version: "3", failInRegion: "eu-central-1" },
      brokenInUsEast: { version: "4", failInRegion: "us-east-1" },
      slowInEuWest: { version: "5", slowInRegion: "eu-west-1" },
      crashInEuCentral: { version: "7", crashInRegion: "eu-central-1" },
      narrowed: { version: "6", narrowLang: true },
    };
    for (const [name, options] of Object.entries(variants)) {
      const dir = await writeTestBundle(options);
      releases[name] = (await createRelease({ store, bundleDir: dir, probes: testProbes })).digest;
      await rm(dir, { recursive: true, force: true });
    }
    const dir = path.join(root, "local");
    devTarget = new LocalTarget({ stage: dev, store, dir });
    prodTarget = new LocalTarget({ stage: prod, store, dir });
  });
  after(async () => {
    await devTarget?.close();
    await prodTarget?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("deploys a release to every region of dev, which then serves it and passes smoke", async () => {
    const report = await rollout(base(devTarget, { desired: everywhere(devTarget, releases.good!) }));
    assert.equal(report.ok, true);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.from, r.live]), [
      ["111111111111/us-east-1", "changed", null, releases.good],
      ["111111111111/eu-west-1", "changed", null, releases.good],
    ]);
    assert.deepEqual(await served(devTarget), everywhere(devTarget, releases.good!));
    const smoke = await smokeRegions(await devTarget.live(), (r) => ({ expect: r.release!, probes: testProbes }));
    assert.deepEqual(smoke.map((s) => [s.key, s.ok, s.status, s.release]), [
      ["111111111111/us-east-1", true, 200, releases.good],
      ["111111111111/eu-west-1", true, 200, releases.good],
    ]);
  });

  it("promotes dev's digest to prod: every prod region serves exactly what dev serves", async () => {
    await serving(devTarget, releases.good!);
    const plan = await planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: false });
    assert.equal(plan.digest, releases.good);
    assert.deepEqual(plan.waves, [["222222222222/us-east-1"], ["222222222222/eu-west-1", "333333333333/eu-central-1"]]);
    const report = await rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, plan.digest) }));
    assert.equal(report.ok, true);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("stops a promotion at the first failing region and puts every changed region back", async () => {
    await serving(prodTarget, releases.good!);
    await rollout(base(devTarget, { desired: everywhere(devTarget, releases.brokenInEuCentral!) }));
    const plan = await planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: false });
    const report = await rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, plan.digest) }));
    assert.equal(report.ok, false);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.live]), [
      ["222222222222/us-east-1", "rolled back", releases.good],
      ["222222222222/eu-west-1", "rolled back", releases.good],
      ["333333333333/eu-central-1", "rolled back", releases.good],
    ]);
    assert.match(report.regions[2]!.reason ?? "", /\/health answered 500/);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
    const ledger = (await store.ledger()).records.filter((r) => r.step === "outcome" && r.stack === "prod" && r.action === "promote").slice(-3) as OutcomeRecord[];
    assert.deepEqual(ledger.map((r) => [r.region, r.from, r.to, r.result, r.live, r.who]), [
      ["us-east-1", releases.good, releases.brokenInEuCentral, "rolled back", releases.good, "tester"],
      ["eu-west-1", releases.good, releases.brokenInEuCentral, "rolled back", releases.good, "tester"],
      ["eu-central-1", releases.good, releases.brokenInEuCentral, "rolled back", releases.good, "tester"],
    ]);
  });

  it("leaves the other regions untouched when the first region fails", async () => {
    await serving(prodTarget, releases.good!);
    const report = await rollout(base(prodTarget, { desired: everywhere(prodTarget, releases.brokenInUsEast!) }));
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.live]), [
      ["222222222222/us-east-1", "rolled back", releases.good],
      ["222222222222/eu-west-1", "untouched", releases.good],
      ["333333333333/eu-central-1", "untouched", releases.good],
    ]);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("treats a region that does not answer in time as failed and reverts", async () => {
    await serving(prodTarget, releases.good!);
    const report = await rollout(base(prodTarget, { desired: everywhere(prodTarget, releases.slowInEuWest!), smokeTimeoutMs: 500 }));
    assert.equal(report.ok, false);
    assert.match(report.regions[1]!.reason ?? "", /timed out/);
    assert.deepEqual(report.regions.map((r) => r.result), ["rolled back", "rolled back", "rolled back"]);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("reverts when the release cannot even start in a region", async () => {
    await serving(prodTarget, releases.good!);
    const report = await rollout(base(prodTarget, { desired: everywhere(prodTarget, releases.crashInEuCentral!) }));
    assert.equal(report.ok, false);
    assert.match(report.regions[2]!.reason ?? "", /cannot start in eu-central-1/);
    assert.deepEqual(report.regions.map((r) => [r.result, r.live]), Array(3).fill(["rolled back", releases.good]));
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("on interrupt finishes the region in flight, puts it back and leaves the rest untouched", async () => {
    await serving(prodTarget, releases.good!);
    const controller = new AbortController();
    const report = await rollout(
      base(prodTarget, {
        desired: everywhere(prodTarget, releases.next!),
        signal: controller.signal,
        progress: (line) => {
          // Ctrl-C while the first wave is being smoked.
          if (line.includes("222222222222/us-east-1: deploying")) controller.abort();
        },
      }),
    );
    assert.equal(report.interrupted, true);
    assert.deepEqual(report.regions.map((r) => [r.result, r.live]), [
      ["rolled back", releases.good],
      ["untouched", releases.good],
      ["untouched", releases.good],
    ]);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("refuses to promote a release whose API narrows an input, unless allowed", async () => {
    await serving(prodTarget, releases.good!);
    await rollout(base(devTarget, { desired: everywhere(devTarget, releases.narrowed!) }));
    await assert.rejects(planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: false }), /breaks the API prod serves:\n.*lang.*no longer accepts "fr", "de"[\s\S]*--allow-breaking/);
    const plan = await planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: true });
    assert.equal(plan.digest, releases.narrowed);
  });

  it("refuses to promote when the source regions serve different digests", async () => {
    await serving(devTarget, releases.good!);
    await rollout(base(devTarget, { desired: { "111111111111/eu-west-1": releases.next! } }));
    await assert.rejects(planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: false }), /dev serves different releases/);
  });

  it("refuses to change anything when the ledger cannot be written (unwritable store)", async () => {
    await serving(prodTarget, releases.good!);
    // The ledger file replaced by a directory: nothing can be appended to it, whoever runs the test (even root).
    const ledgerFile = path.join(root, "releases", "ledger.jsonl");
    await writeFile(ledgerFile, "", { flag: "a" }); // run alone, no rollout has written it yet
    await rename(ledgerFile, `${ledgerFile}.saved`);
    await mkdir(ledgerFile);
    try {
      const before = await served(prodTarget);
      await assert.rejects(
        rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, releases.next!) })),
        /the release store .* is not writable \(EISDIR\): fix its permissions or pass --store/,
      );
      assert.deepEqual(await served(prodTarget), before);
    } finally {
      await rm(ledgerFile, { recursive: true });
      await rename(`${ledgerFile}.saved`, ledgerFile);
    }
  });

  it("rolls prod back to the release it served before its latest promotion", async () => {
    await serving(prodTarget, releases.good!);
    await rollout(base(devTarget, { desired: everywhere(devTarget, releases.next!) }));
    const plan = await planPromotion({ source: devTarget, destination: prodTarget, store, allowBreaking: false });
    assert.equal((await rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, plan.digest) }))).ok, true);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.next!));

    const desired = rollbackTargets(await prodTarget.live(), (await store.ledger()).records, "prod");
    assert.deepEqual(desired, everywhere(prodTarget, releases.good!));
    const report = await rollout(base(prodTarget, { action: "rollback", desired }));
    assert.equal(report.ok, true);
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("walks further back on a second rollback instead of undoing the first", async () => {
    await serving(prodTarget, releases.good!);
    for (const release of [releases.next!, releases.narrowed!]) assert.equal((await rollout(base(prodTarget, { desired: everywhere(prodTarget, release) }))).ok, true);
    const back = async () => {
      const desired = rollbackTargets(await prodTarget.live(), (await store.ledger()).records, "prod");
      assert.equal((await rollout(base(prodTarget, { action: "rollback", desired }))).ok, true);
      return desired;
    };
    assert.deepEqual(await back(), everywhere(prodTarget, releases.next!));
    assert.deepEqual(await back(), everywhere(prodTarget, releases.good!));
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
  });

  it("reports a region whose previous release fails smoke after the revert as failed, not rolled back, saying why", async () => {
    // prod on a release that fails in us-east-1; the new one passes there and fails in the second wave.
    await serving(prodTarget, releases.brokenInUsEast!);
    const report = await rollout(base(prodTarget, { desired: everywhere(prodTarget, releases.brokenInEuCentral!) }));
    assert.equal(report.ok, false);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result]), [
      ["222222222222/us-east-1", "failed"],
      ["222222222222/eu-west-1", "rolled back"],
      ["333333333333/eu-central-1", "rolled back"],
    ]);
    assert.match(report.regions[0]!.reason ?? "", /after revert: GET \/health answered 500/);
    assert.equal(report.regions[1]!.live, releases.brokenInUsEast);
  });

  /** Ledger records of one rollout, as [step, region]. */
  const stepsOf = async (id: string) => (await store.ledger()).records.filter((r) => r.rollout === id).map((r) => [r.step, r.region]);

  /** What an interrupted rollout leaves: its intent for one region, which it changed (unless killed before), and no outcome. */
  const interrupt = async (id: string, key: string, from: Digest, to: Digest, changed = true) => {
    const [account, region] = key.split("/") as [string, string];
    await store.appendLedger([{ step: "intent", rollout: id, time: new Date().toISOString(), action: "promote", stack: "prod", account, region, from, to, who: "killed" }]);
    if (changed) await prodTarget.apply({ [key]: to }, () => undefined);
  };

  it("writes each wave's intents before changing it and every region's outcome after, under the rollout's id", async () => {
    await serving(prodTarget, releases.good!);
    const id = "20261201T120000Z-0000feed";
    const seen: string[][] = [];
    const watched: Target = {
      kind: prodTarget.kind,
      stage: prodTarget.stage,
      live: () => prodTarget.live(),
      close: async () => undefined,
      apply: async (change, progress) => {
        seen.push((await store.ledger()).records.filter((r) => r.step === "intent" && r.rollout === id).map((r) => r.region));
        return prodTarget.apply(change, progress);
      },
      shift: (steps, progress) => prodTarget.shift(steps, progress),
      alarms: (keys) => prodTarget.alarms(keys),
    };
    const report = await rollout(base(watched, { action: "promote", desired: everywhere(prodTarget, releases.next!), id }));
    assert.deepEqual([report.ok, report.rollout], [true, id]);
    assert.deepEqual(seen, [["us-east-1"], ["us-east-1", "eu-west-1", "eu-central-1"]]);
    assert.deepEqual(await stepsOf(id), [
      ["intent", "us-east-1"],
      ["intent", "eu-west-1"],
      ["intent", "eu-central-1"],
      ["outcome", "us-east-1"],
      ["outcome", "eu-west-1"],
      ["outcome", "eu-central-1"],
    ]);
    assert.deepEqual(interruptedRegions((await store.ledger()).records), []);
  });

  it("redoes a region an interrupted rollout left, though it already serves the digest, instead of skipping it", async () => {
    await serving(prodTarget, releases.next!);
    // prod is on next; a rollout to good was killed right after changing us-east-1.
    await interrupt("20261201T121500Z-00000bad", "222222222222/us-east-1", releases.next!, releases.good!);
    const unfinished = interruptedRegions((await store.ledger()).records);
    assert.deepEqual(unfinished.map((u) => [u.key, u.from, u.to]), [["222222222222/us-east-1", releases.next, releases.good]]);
    const id = "20261201T123000Z-0000600d";
    const report = await rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, releases.good!), id, unfinished }));
    assert.equal(report.ok, true);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.from, r.live, r.recovers]), [
      ["222222222222/us-east-1", "changed", releases.next, releases.good, "20261201T121500Z-00000bad"],
      ["222222222222/eu-west-1", "changed", releases.next, releases.good, undefined],
      ["333333333333/eu-central-1", "changed", releases.next, releases.good, undefined],
    ]);
    assert.deepEqual((await stepsOf(id)).slice(0, 1), [["intent", "us-east-1"]]);
    assert.deepEqual(interruptedRegions((await store.ledger()).records), []);
  });

  it("puts a region an interrupted rollout left back on the digest it had before, not on the one it was left serving", async () => {
    await serving(prodTarget, releases.good!);
    await interrupt("20261201T124500Z-00000bad", "222222222222/us-east-1", releases.good!, releases.next!);
    const unfinished = interruptedRegions((await store.ledger()).records);
    const report = await rollout(base(prodTarget, { action: "promote", desired: everywhere(prodTarget, releases.brokenInEuCentral!), unfinished }));
    assert.equal(report.ok, false);
    assert.deepEqual(report.regions.map((r) => [r.result, r.from, r.live]), Array(3).fill(["rolled back", releases.good, releases.good]));
    assert.deepEqual(await served(prodTarget), everywhere(prodTarget, releases.good!));
    assert.deepEqual(interruptedRegions((await store.ledger()).records), []);
  });

  it("redoes a region in doubt whose recorded digest is the one asked for (a rollback of a rollout killed before its change), so the doubt ends", async () => {
    await serving(prodTarget, releases.good!);
    await interrupt("20261201T130000Z-00000bad", "222222222222/us-east-1", releases.good!, releases.next!, false);
    const unfinished = interruptedRegions((await store.ledger()).records);
    const id = "20261201T130500Z-0000600d";
    const report = await rollout(base(prodTarget, { action: "rollback", desired: { "222222222222/us-east-1": releases.good! }, id, unfinished }));
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.from, r.to, r.live]), [["222222222222/us-east-1", "changed", releases.good, releases.good, releases.good]]);
    assert.deepEqual(await stepsOf(id), [["intent", "us-east-1"], ["outcome", "us-east-1"]]);
    assert.deepEqual(interruptedRegions((await store.ledger()).records), []);
  });
});
