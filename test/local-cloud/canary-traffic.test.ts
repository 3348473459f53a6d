import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Digest } from "../../core/digest";
import { createRelease } from "../../artifacts/create-release";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { LocalCloud } from "../../local-cloud/local-cloud";
import { LocalTarget } from "../../targets/local-target";
import { testStage } from "../helpers/stages";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const stage = testStage("canary", [["111111111111", ["us-east-1", "eu-west-1"]]], { api: "http" });
const key = "111111111111/us-east-1";

/** GETs /health `count` times, 16 at a time, and counts the answers by the release that gave them (x-fleet-release). */
async function answeredBy(url: string, count: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const response = await fetch(new URL("health", url));
      const release = response.headers.get("x-fleet-release") ?? "none";
      const body = (await response.json()) as { release: string };
      // Each release in its own worker with its own environment: the body agrees with the header.
      assert.equal(body.release, release);
      counts[release] = (counts[release] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return counts;
}

describe("canary traffic in the local cloud (real HTTP on 127.0.0.1)", function () {
  this.timeout(60_000);
  let root: string;
  let target: LocalTarget;
  let stable: Digest;
  let canary: Digest;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-canary-"));
    const store = new LocalReleaseStore(path.join(root, "releases"));
    for (const version of ["1", "2"]) {
      const dir = await writeTestBundle({ version });
      const { digest } = await createRelease({ store, bundleDir: dir, probes: testProbes });
      if (version === "1") stable = digest;
      else canary = digest;
      await rm(dir, { recursive: true, force: true });
    }
    target = new LocalTarget({ stage, store, dir: path.join(root, "local") });
    await target.apply(Object.fromEntries(stage.regions.map((r) => [r.key, stable])), () => undefined);
  });
  after(async () => {
    await target?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("at a 10% step, answers between 5% and 15% of 2,000 requests from the new release, the rest from the stable one", async () => {
    await target.shift({ [key]: { stable, canary, weight: 10 } }, () => undefined);
    const live = await target.live();
    assert.deepEqual(live.find((r) => r.key === key)?.canary, { release: canary, weight: 10 });
    const counts = await answeredBy(live.find((r) => r.key === key)!.url!, 2000);
    assert.deepEqual(Object.keys(counts).sort(), [stable, canary].sort());
    assert.ok(counts[canary]! >= 100 && counts[canary]! <= 300, `the new release answered ${counts[canary]} of 2000`);
    assert.equal(counts[stable]! + counts[canary]!, 2000);
    // The other region is not in the step.
    assert.deepEqual(await answeredBy(live.find((r) => r.key !== key)!.url!, 50), { [stable]: 50 });
  });

  it("counts every request it served in the region's metrics, so its alarms see them", async () => {
    const alarms = (await target.alarms([key]))[key]!;
    assert.ok(alarms.readable);
    assert.deepEqual(alarms.alarms.map((a) => [a.name, a.state]), [["5xx-rate", "OK"], ["function-errors", "OK"], ["throttles", "OK"], ["p99-latency", "OK"]]);
    assert.match(alarms.alarms[0]!.reason, /datapoints \[[-0, ]*0\]/, "the current period has data (2,000 requests, none 5xx)");
  });

  it("at 100%, answers every request from the new release, the step over", async () => {
    await target.apply({ [key]: canary }, () => undefined);
    const live = (await target.live()).find((r) => r.key === key)!;
    assert.deepEqual([live.release, live.canary], [canary, undefined]);
    assert.deepEqual(await answeredBy(live.url!, 500), { [canary]: 500 });
  });
});

describe("canary traffic through a local cloud another command serves (as 'fleet start --deployed')", function () {
  this.timeout(60_000);
  let root: string;
  let served: LocalCloud;
  let target: LocalTarget;
  const releases: Digest[] = [];

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-canary-remote-"));
    const store = new LocalReleaseStore(path.join(root, "releases"));
    for (const version of ["1", "2"]) {
      const dir = await writeTestBundle({ version });
      releases.push((await createRelease({ store, bundleDir: dir, probes: testProbes })).digest);
      await rm(dir, { recursive: true, force: true });
    }
    const dir = path.join(root, "local");
    served = await LocalCloud.start({ stage, store, dir, publish: true });
    served.watch();
    target = new LocalTarget({ stage, store, dir });
    await target.apply(Object.fromEntries(stage.regions.map((r) => [r.key, releases[0]!])), () => undefined);
  });
  after(async () => {
    await target?.close();
    await served?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("waits until the serving cloud has loaded the step, and reads the region's alarms from the metrics it publishes", async () => {
    const [stable, canary] = releases as [Digest, Digest];
    await target.shift({ [key]: { stable, canary, weight: 50 } }, () => undefined);
    assert.deepEqual(served.canaryReleases(), { [key]: { release: canary, weight: 50 } }, "loaded before shift resolved");
    const counts = await answeredBy(served.urls()[key]!, 200);
    assert.ok(counts[canary]! > 40 && counts[stable]! > 40, JSON.stringify(counts));
    // The serving cloud rewrites its metrics file at most every 200 ms.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const alarms = (await target.alarms([key]))[key]!;
    assert.ok(alarms.readable);
    assert.deepEqual(alarms.alarms.map((a) => a.state), ["OK", "OK", "OK", "OK"]);
    assert.match(alarms.alarms[0]!.reason, /\[[-0, ]*0\]/, "the served requests are in the published datapoints");
  });

  it("says a region's alarms cannot be read once no cloud serves the stack", async () => {
    await served.close();
    const alarms = (await target.alarms([key]))[key]!;
    assert.equal(alarms.readable, false);
    assert.match(alarms.readable ? "" : alarms.error, /no local cloud serves stack canary/);
  });
});
