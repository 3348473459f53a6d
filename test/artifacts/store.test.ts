import assert from "node:assert/strict";
import { type Digest, hexOf } from "../../core/digest";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import type { LedgerRecord } from "../../artifacts/ledger";
import { FleetError } from "../../core/errors";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { openStore } from "../../artifacts/store/open-store";
import { S3ReleaseStore } from "../../artifacts/store/s3-store";
import { ArtifactError } from "../../artifacts/store/store";
import { runCli } from "../helpers/run-cli";
import { testOpenApi, writeTestBundle, testProbes } from "../helpers/test-bundle";

describe("LocalReleaseStore", () => {
  let root: string;
  let bundle: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-store-"));
    bundle = await writeTestBundle({ version: "store" });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(bundle, { recursive: true, force: true });
  });

  it("stores zip, manifest and OpenAPI document under the digest's hex, where stacks/ looks", async () => {
    const store = new LocalReleaseStore(root);
    const manifest = await createRelease({ store, bundleDir: bundle, probes: testProbes, now: new Date("2026-01-02T03:04:05Z") });
    const hex = hexOf(manifest.digest);
    assert.equal(manifest.created, "2026-01-02T03:04:05.000Z");
    assert.equal(manifest.runtime, "nodejs22.x");
    assert.match(manifest.openapi ?? "", /^sha256:[0-9a-f]{64}$/);
    const zip = await readFile(path.join(root, `${hex}.zip`));
    assert.equal(manifest.size, zip.length);
    assert.deepEqual(JSON.parse(await readFile(path.join(root, `${hex}.json`), "utf8")), manifest);
    assert.deepEqual(await store.openapi(manifest.digest), testOpenApi());
    assert.deepEqual((await store.get(manifest.digest)).zip, zip);
    assert.deepEqual(await store.list(), [{ digest: manifest.digest, manifest, problems: [] }]);
  });

  describe("listing a store in a bad state: every release listed, each with its problem, never a crash", () => {
    /** Three releases stored a day apart; their digests, oldest first. */
    async function threeReleases(store: LocalReleaseStore): Promise<string[]> {
      const digests: string[] = [];
      for (const [version, day] of [["a", "01"], ["b", "02"], ["c", "03"]] as const) {
        const dir = await writeTestBundle({ version });
        digests.push((await createRelease({ store, bundleDir: dir, probes: testProbes, now: new Date(`2026-01-${day}T00:00:00Z`) })).digest);
        await rm(dir, { recursive: true, force: true });
      }
      return digests;
    }
    const listing = async (store: LocalReleaseStore) => (await store.list()).map((r) => [r.digest, r.manifest?.digest ?? null, r.problems.join(" | ")]);

    it("a manifest naming another digest: listed under its own name with the problem, the other release once (it was listed twice)", async () => {
      const store = new LocalReleaseStore(root);
      const [a, b, c] = await threeReleases(store);
      await writeFile(path.join(root, `${hexOf(a as Digest)}.json`), await readFile(path.join(root, `${hexOf(b as Digest)}.json`)));
      const listed = await listing(store);
      assert.deepEqual(listed.map(([digest]) => digest), [c, b, a]);
      assert.deepEqual(listed[1], [b, b, ""]);
      assert.equal(listed[2]![1], null);
      assert.match(listed[2]![2]!, new RegExp(`names ${b}, not ${a}, the release its file is named for\\. Fix: `));
      await assert.rejects(store.get(a as Digest), /names sha256:.* not sha256:/);
    });

    it("a manifest that is not JSON: the others listed, it with the problem (fleet releases failed for the whole store)", async () => {
      const store = new LocalReleaseStore(root);
      const [a, b, c] = await threeReleases(store);
      await writeFile(path.join(root, `${hexOf(b as Digest)}.json`), "{ torn");
      const listed = await listing(store);
      assert.deepEqual(listed.map(([digest, manifest]) => [digest, manifest]), [[c, c], [a, a], [b, null]]);
      assert.match(listed[2]![2]!, /is not JSON: the store is corrupted\. Fix: /);
    });

    it("a release whose zip is gone, and a zip without its manifest: both listed with the problem (it was listed as if deployable)", async () => {
      const store = new LocalReleaseStore(root);
      const [a, b] = await threeReleases(store);
      await rm(path.join(root, `${hexOf(a as Digest)}.zip`));
      await rm(path.join(root, `${hexOf(b as Digest)}.json`));
      const listed = await listing(store);
      const byDigest = new Map(listed.map(([digest, , problems]) => [digest, problems]));
      assert.match(byDigest.get(a)!, /its zip is gone: [0-9a-f]{64}\.zip is missing, so it cannot be deployed\. Fix: /);
      assert.match(byDigest.get(b)!, /no manifest: [0-9a-f]{64}\.json is missing\. Fix: /);
    });

    it("fleet releases shows them with the PROBLEMS column, --json with problems[], exits 0 and says how many on stderr", async () => {
      const store = new LocalReleaseStore(root);
      const [, b] = await threeReleases(store);
      await writeFile(path.join(root, `${hexOf(b as Digest)}.json`), "not json");
      const table = await runCli(["releases", "--store", root]);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^DIGEST +CREATED +SIZE +COMMIT +PROBLEMS$/m);
      assert.match(table.stdout, new RegExp(`^${b} +- +- +- +release manifest .* is not JSON`, "m"));
      assert.match(table.stderr, /1 of 3 release\(s\) in the store have a problem/);
      const json = await runCli(["releases", "--store", root, "--json"]);
      const releases = JSON.parse(json.stdout) as { digest: string; created?: string; problems: string[] }[];
      assert.deepEqual(releases.map((r) => [r.digest === b, r.created === undefined, r.problems.length]), [[false, false, 0], [false, false, 0], [true, true, 1]]);
    });
  });

  it("keeps the first manifest when the same release is stored again", async () => {
    const store = new LocalReleaseStore(root);
    const first = await createRelease({ store, bundleDir: bundle, probes: testProbes, now: new Date("2026-01-01T00:00:00Z") });
    const second = await createRelease({ store, bundleDir: bundle, probes: testProbes, now: new Date("2026-02-01T00:00:00Z") });
    assert.equal(second.digest, first.digest);
    assert.equal(second.created, first.created);
    assert.equal((await store.list()).length, 1);
  });

  it("refuses a zip whose bytes no longer match its digest, naming the file", async () => {
    const store = new LocalReleaseStore(root);
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    const file = path.join(root, `${hexOf(digest)}.zip`);
    const bytes = await readFile(file);
    const at = bytes.length - 30;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at);
    await writeFile(file, bytes);
    await assert.rejects(store.get(digest), (error: Error) => error instanceof ArtifactError && /corrupted/.test(error.message) && error.message.includes(file));
  });

  it("says a digest it does not hold is not in the store", async () => {
    const store = new LocalReleaseStore(root);
    await assert.rejects(store.get(`sha256:${"a".repeat(64)}`), /is not in the store/);
    assert.equal(await store.has(`sha256:${"a".repeat(64)}`), false);
  });

  it("reports an unwritable store as such", async () => {
    // A regular file where the directory should be: unwritable even for root, which ignores permissions.
    const blocked = path.join(root, "not-a-dir");
    await writeFile(blocked, "");
    const store = new LocalReleaseStore(path.join(blocked, "releases"));
    await assert.rejects(createRelease({ store, bundleDir: bundle, probes: testProbes }), /is not writable \(ENOTDIR\)/);
  });

  it("appends ledger records and reads them back in order", async () => {
    const store = new LocalReleaseStore(root);
    const record = (region: string): LedgerRecord => ({
      step: "outcome", rollout: "20260101T000000Z-0000abcd", time: "2026-01-01T00:00:00.000Z", action: "deploy", stack: "dev", account: "111111111111", region,
      from: null, to: `sha256:${"b".repeat(64)}`, result: "changed", live: `sha256:${"b".repeat(64)}`, who: "tester",
    });
    await store.appendLedger([record("us-east-1")]);
    await store.appendLedger([record("eu-west-1"), record("ap-south-1")]);
    assert.deepEqual((await store.ledger()).records.map((r) => r.region), ["us-east-1", "eu-west-1", "ap-south-1"]);
  });
});

describe("openStore", () => {
  it("refuses a store URL of another scheme instead of making a directory named after it", () => {
    assert.throws(() => openStore("ftp://releases.example.com/fleet"), (error: unknown) => {
      assert.ok(error instanceof FleetError);
      assert.match(error.message, /--store 'ftp:\/\/releases\.example\.com\/fleet': ftp:\/\/ is not a release store\. Fix: use s3:\/\//);
      return true;
    });
  });

  it("refuses a mistyped S3 location (s3:/, s3:, S3://, s3//) with the spelling that was meant, instead of a directory ./s3:/bucket/x", () => {
    for (const [spec, meant] of [["s3:/bucket/x", "s3://bucket/x"], ["s3:bucket", "s3://bucket"], ["S3://bucket/x", "s3://bucket/x"], ["s3//bucket/x", "s3://bucket/x"], ["s3:", "s3://<bucket>"]]) {
      assert.throws(() => openStore(spec), (error: unknown) => {
        assert.ok(error instanceof FleetError, spec);
        assert.equal(error.message, `--store '${spec}' looks like a mistyped S3 location. Fix: write ${meant} (lowercase s3, a colon and two slashes)`);
        return true;
      });
    }
    assert.throws(() => openStore("releases:v2"), /'releases:v2': releases: is not a release store\. Fix: .*\(\.\/releases:v2 for a directory whose name has a colon\)/);
    assert.ok(openStore("./releases:v2") instanceof LocalReleaseStore);
  });

  it("fleet releases --store s3:/bucket/x exits 2 and creates nothing", async () => {
    const cwd = mkdtempSync(path.join(tmpdir(), "fleet-store-typo-"));
    try {
      const result = await runCli(["releases", "--store", "s3:/bucket/x"], { cwd });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /looks like a mistyped S3 location\. Fix: write s3:\/\/bucket\/x/);
      assert.deepEqual(readdirSync(cwd), []);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("opens s3:// as an S3 store and a path as a directory store", () => {
    assert.ok(openStore("s3://bucket/prefix") instanceof S3ReleaseStore);
    assert.ok(openStore("some/dir") instanceof LocalReleaseStore);
  });
});
