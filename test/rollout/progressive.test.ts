import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Digest } from "../../core/digest";
import { createRelease } from "../../artifacts/create-release";
import type { LedgerRecord } from "../../artifacts/ledger";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { rollout, type RolloutOptions } from "../../rollout/rollout";
import { LocalTarget } from "../../targets/local-target";
import type { Stage } from "../../core/stage";
import { testStage } from "../helpers/stages";
import { testProbes, writeTestBundle, type TestBundleOptions } from "../helpers/test-bundle";

// Short bakes and 10-second alarm periods (the shortest CloudWatch takes, fleet:alarms.period) keep this file fast.
const alarms = { period: 10, evaluationPeriods: 1, datapointsToAlarm: 1 };
const four: [string, string[]][] = [
  ["222222222222", ["us-east-1", "eu-west-1"]],
  ["333333333333", ["eu-central-1", "ap-south-1"]],
];
const keys = four.flatMap(([account, regions]) => regions.map((region) => `${account}/${region}`));

/** GETs /health `count` times and counts the answers by the release that gave them (x-fleet-release). */
async function answeredBy(url: string, count: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const release = (await fetch(new URL("health", url))).headers.get("x-fleet-release") ?? "none";
    counts[release] = (counts[release] ?? 0) + 1;
  }
  return counts;
}

describe("progressive delivery: canary steps, bakes and automatic rollback (local cloud, real HTTP on 127.0.0.1)", function () {
  this.timeout(60_000);
  let root: string;
  let store: LocalReleaseStore;
  const releases: Record<string, Digest> = {};
  const targets: LocalTarget[] = [];
  /** A fresh local cloud of `stage` (its own metrics), every region on the good release. */
  const cloudOf = async (stage: Stage): Promise<LocalTarget> => {
    const target = new LocalTarget({ stage, store, dir: path.join(root, `local-${targets.length}`) });
    targets.push(target);
    await target.apply(Object.fromEntries(stage.regions.map((r) => [r.key, releases.good!])), () => undefined);
    return target;
  };
  const run = (target: LocalTarget, to: Digest, lines: string[], overrides: Partial<RolloutOptions> = {}) =>
    rollout({
      target,
      action: "deploy",
      desired: Object.fromEntries(target.stage.regions.map((r) => [r.key, to])),
      store,
      who: "tester",
      progress: (line) => lines.push(line),
      smokeTimeoutMs: 5_000,
      bakeIntervalMs: 100,
      ...overrides,
    });
  const recordsOf = async (id: string): Promise<LedgerRecord[]> => (await store.ledger()).records.filter((r) => r.rollout === id);

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-progressive-"));
    store = new LocalReleaseStore(path.join(root, "releases"));
    const variants: Record<string, TestBundleOptions> = { good: { version: "1" }, next: { version: "2" }, oneInThree: { version: "3", failEvery: 3 } };
    for (const [name, options] of Object.entries(variants)) {
      const dir = await writeTestBundle(options);
      releases[name] = (await createRelease({ store, bundleDir: dir, probes: testProbes })).digest;
      await rm(dir, { recursive: true, force: true });
    }
  });
  after(async () => {
    await Promise.all(targets.map((target) => target.close()));
    await rm(root, { recursive: true, force: true });
  });

  it("catches during the bake a release that answers one request in three with a 500 though one smoke round passes: the wave goes back, the report and ledger name the 5xx alarm and the region", async () => {
    const stage = testStage("bake", four, { rollout: { waves: [1, "100%"], bake: "1s" }, alarms });
    const target = await cloudOf(stage);
    const lines: string[] = [];
    const report = await run(target, releases.oneInThree!, lines);
    assert.equal(report.ok, false);
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.live]), [
      [keys[0], "rolled back", releases.good],
      ...keys.slice(1).map((key) => [key, "untouched", releases.good]),
    ]);
    // Smoke passed: it was the bake that caught it, by the alarm (and the probe that answered 500).
    assert.equal(report.regions[0]!.smoke?.ok, true);
    assert.deepEqual(report.caught?.map((c) => [c.key, c.where, c.weight, c.alarm]), [[keys[0], "wave 1/2 (1), 100%", 100, "5xx-rate"]]);
    assert.match(report.caught![0]!.reason, /alarm 5xx-rate in ALARM \(1 of the last 1 datapoints \[0\.\d+\] was greater than the threshold \(0\.05\)/);
    assert.match(report.regions[0]!.reason ?? "", /^bake at wave 1\/2 \(1\), 100%: .*alarm 5xx-rate in ALARM/);
    const records = await recordsOf(report.rollout);
    const bakes = records.filter((r) => r.step === "bake");
    assert.deepEqual(bakes.map((r) => [r.region, r.weight, r.result, r.alarms]), [["us-east-1", 100, "failed", true]]);
    assert.match(bakes[0]!.reason ?? "", /alarm 5xx-rate in ALARM/);
    const outcome = records.find((r) => r.step === "outcome" && r.region === "us-east-1");
    assert.match(outcome?.step === "outcome" ? (outcome.reason ?? "") : "", /bake at wave 1\/2 \(1\), 100%: .*5xx-rate/);
    assert.deepEqual(await answeredBy((await target.live())[0]!.url!, 3), { [releases.good!]: 3 });
    // The bake said it was synthetic traffic and how long was left.
    assert.ok(lines.some((line) => /bake 222222222222\/us-east-1: wave 1\/2 \(1\), 100%: baking 1s, synthetic traffic/.test(line)), lines.join("\n"));
    assert.ok(lines.some((line) => /bake 222222222222\/us-east-1: wave 1\/2 \(1\), 100%: bake FAILED: .*5xx-rate/.test(line)));
  });

  it("with --no-alarms bakes on the probes alone, which catch the same release by its failing probe, and says so", async () => {
    const stage = testStage("probes", four, { rollout: { waves: [1, "100%"], bake: "1s" }, alarms });
    const target = await cloudOf(stage);
    const lines: string[] = [];
    const report = await run(target, releases.oneInThree!, lines, { watchAlarms: false });
    assert.equal(report.ok, false);
    assert.equal(report.caught?.[0]?.alarm, undefined);
    assert.match(report.caught?.[0]?.reason ?? "", /^probe GET \/health answered 500/);
    assert.ok(lines.some((line) => /alarms NOT watched \(--no-alarms\)/.test(line)));
    const bakes = (await recordsOf(report.rollout)).filter((r) => r.step === "bake");
    assert.deepEqual(bakes.map((r) => [r.region, r.result, r.alarms]), [["us-east-1", "failed", false]]);
  });

  it("takes a good release through every wave of [1, 50%, 100%] with canary [10, 50]: a ledger record for each step and bake", async () => {
    const stage = testStage("waves", four, { rollout: { waves: [1, "50%", "100%"], bake: "300ms", canary: [10, 50] }, alarms });
    const target = await cloudOf(stage);
    const lines: string[] = [];
    const report = await run(target, releases.next!, lines);
    assert.equal(report.ok, true, JSON.stringify(report.regions));
    assert.deepEqual(report.regions.map((r) => [r.key, r.result, r.live]), keys.map((key) => [key, "changed", releases.next]));
    const records = await recordsOf(report.rollout);
    const steps = (region: string) => records.filter((r) => r.region === region).map((r) => (r.step === "canary" ? `canary ${r.weight}` : r.step === "bake" ? `bake ${r.weight} ${r.result}` : r.step === "outcome" ? `outcome ${r.result}` : r.step));
    for (const key of keys) {
      assert.deepEqual(steps(key.split("/")[1]!), ["intent", "canary 10", "bake 10 passed", "canary 50", "bake 50 passed", "bake 100 passed", "outcome changed"], key);
    }
    // Waves in stage order: the first region alone, then the second, then the other two together.
    const intents = records.filter((r) => r.step === "intent").map((r) => r.region);
    assert.deepEqual(intents, ["us-east-1", "eu-west-1", "eu-central-1", "ap-south-1"]);
    const firstBakeOfWave3 = records.findIndex((r) => r.step === "bake" && r.region === "eu-central-1");
    assert.ok(records.findIndex((r) => r.step === "outcome") > firstBakeOfWave3, "outcomes once the rollout is over");
    assert.ok(lines.some((line) => /^waves: wave 3\/3 \(100%\): 333333333333\/eu-central-1, 333333333333\/ap-south-1, canary 10%, 50%, bake 300ms$/.test(line)), lines.join("\n"));
    assert.ok(lines.some((line) => /waves 222222222222\/us-east-1: 10% of requests to /.test(line)));
    assert.ok(lines.some((line) => /waves 333333333333\/ap-south-1: wave 3\/3 \(100%\), canary step 2\/2 \(50%\): bake passed/.test(line)));
  });

  it("rolls a wave back from its canary step: weight to 0 (recorded), then the previous release; later waves untouched", async () => {
    const stage = testStage("canaryback", four, { rollout: { waves: [1, "100%"], bake: "1s", canary: [50] }, alarms });
    const target = await cloudOf(stage);
    const lines: string[] = [];
    const report = await run(target, releases.oneInThree!, lines);
    assert.equal(report.ok, false);
    assert.deepEqual(report.caught?.map((c) => [c.key, c.where, c.weight]), [[keys[0], "wave 1/2 (1), canary step 1/1 (50%)", 50]]);
    assert.deepEqual(report.regions.map((r) => r.result), ["rolled back", "untouched", "untouched", "untouched"]);
    const records = await recordsOf(report.rollout);
    assert.deepEqual(records.filter((r) => r.region === "us-east-1").map((r) => (r.step === "canary" ? `canary ${r.weight}` : r.step === "bake" ? `bake ${r.weight} ${r.result}` : r.step)), ["intent", "canary 50", "bake 50 failed", "canary 0", "outcome"]);
    const [region] = await target.live();
    assert.equal(region!.release, releases.good);
    assert.equal(region!.canary, undefined, "no canary left on the region");
    assert.deepEqual(await answeredBy(region!.url!, 20), { [releases.good!]: 20 });
  });

  it("with fast (rollback --fast) skips canary steps and bakes", async () => {
    const stage = testStage("fast", four, { rollout: { waves: [1, "100%"], bake: "1h", canary: [10] }, alarms });
    const target = await cloudOf(stage);
    const report = await run(target, releases.next!, [], { fast: true });
    assert.equal(report.ok, true);
    assert.deepEqual((await recordsOf(report.rollout)).map((r) => r.step).filter((step) => step !== "intent" && step !== "outcome"), []);
  });
});
