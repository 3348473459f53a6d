import assert from "node:assert/strict";
import { hexOf } from "../../core/digest";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import { LocalCloud } from "../../local-cloud/local-cloud";
import { writeLocalState } from "../../local-cloud/local-state";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { testStage } from "../helpers/stages";
import { writeTestBundle, testProbes } from "../helpers/test-bundle";

const dev = testStage("dev", [["111111111111", ["us-east-1"]]]);
const twoRegions = testStage("prod", [["111111111111", ["us-east-1", "eu-west-1"]]]);

describe("LocalCloud", function () {
  this.timeout(60_000);
  let root: string;
  let cloud: LocalCloud | undefined;
  after(async () => {
    await cloud?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("re-checks a release's sha256 in the store even when it was extracted before: a corrupted artifact is never served, the region says why", async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-local-cloud-"));
    const store = new LocalReleaseStore(path.join(root, "releases"));
    const bundle = await writeTestBundle({ version: "cache" });
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    await rm(bundle, { recursive: true, force: true });
    const dir = path.join(root, "local");
    await writeLocalState(dir, "dev", { releases: { [dev.regions[0]!.key]: digest } });

    // The first start extracts the release into the cache and serves it.
    cloud = await LocalCloud.start({ stage: dev, store, dir, publish: false });
    const health = (await (await fetch(new URL("health", cloud.urls()[dev.regions[0]!.key]))).json()) as { release: string };
    assert.equal(health.release, digest);
    await cloud.close();
    cloud = undefined;

    const zip = path.join(root, "releases", `${hexOf(digest)}.zip`);
    const good = await readFile(zip);
    await writeFile(zip, Buffer.concat([good, Buffer.from("tampered")]));
    // The region still starts (a rollback must be able to reach it) but answers 503 saying why, and is not counted
    // as serving the release.
    cloud = await LocalCloud.start({ stage: dev, store, dir, publish: false });
    const key = dev.regions[0]!.key;
    const refused = await fetch(new URL("health", cloud.urls()[key]));
    assert.equal(refused.status, 503);
    assert.match(((await refused.json()) as { detail: string }).detail, new RegExp(`release ${digest} in .* is corrupted`));
    assert.deepEqual(cloud.releases(), { [key]: null });

    // Once the store holds the right bytes again, the next sync serves the release.
    await writeFile(zip, good);
    await cloud.sync();
    assert.deepEqual(cloud.releases(), { [key]: digest });
    assert.equal(((await (await fetch(new URL("health", cloud.urls()[key]))).json()) as { release: string }).release, digest);
    await cloud.close();
    cloud = undefined;
  });

  it("serves a 503 that says why, not a crash, for a release whose manifest is no longer valid (e.g. written by an older fleet)", async () => {
    root ??= await mkdtemp(path.join(tmpdir(), "fleet-local-cloud-"));
    const store = new LocalReleaseStore(path.join(root, "old-manifest"));
    const bundle = await writeTestBundle({ version: "old-manifest" });
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    await rm(bundle, { recursive: true, force: true });
    const manifest = path.join(root, "old-manifest", `${hexOf(digest)}.json`);
    const { probes: _probes, ...older } = JSON.parse(await readFile(manifest, "utf8")) as Record<string, unknown>;
    await writeFile(manifest, JSON.stringify(older));
    const dir = path.join(root, "old-manifest-local");
    await writeLocalState(dir, "dev", { releases: { [dev.regions[0]!.key]: digest } });
    cloud = await LocalCloud.start({ stage: dev, store, dir, publish: false });
    const refused = await fetch(new URL("health", cloud.urls()[dev.regions[0]!.key]));
    assert.equal(refused.status, 503);
    assert.match(((await refused.json()) as { detail: string }).detail, /release manifest .* is invalid \(.*probes.*\)\. Fix: run 'fleet release' again/);
    await cloud.close();
    cloud = undefined;
  });

  it("moves one region off a corrupted release while another still fails on it: only new failures fail a sync", async () => {
    const store = new LocalReleaseStore(path.join(root, "releases"));
    const [bad, good] = await Promise.all(
      ["bad", "good"].map(async (version) => {
        const bundle = await writeTestBundle({ version });
        const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
        await rm(bundle, { recursive: true, force: true });
        return digest;
      }),
    );
    const zip = path.join(root, "releases", `${hexOf(bad!)}.zip`);
    await writeFile(zip, Buffer.concat([await readFile(zip), Buffer.from("tampered")]));
    const dir = path.join(root, "local-two");
    const [first, second] = twoRegions.regions.map((r) => r.key) as [string, string];
    await writeLocalState(dir, "prod", { releases: { [first]: bad!, [second]: bad! } });
    cloud = await LocalCloud.start({ stage: twoRegions, store, dir, publish: false });
    assert.deepEqual(cloud.releases(), { [first]: null, [second]: null });

    // The first wave of a rollback: the first region goes to a good release, the second is still on the bad one.
    await writeLocalState(dir, "prod", { releases: { [first]: good!, [second]: bad! } });
    await cloud.sync();
    assert.deepEqual(cloud.releases(), { [first]: good, [second]: null });
  });
});
