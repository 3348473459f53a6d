import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { localStore, readStoredRelease, resolveRelease, useReleaseSource, type ReleaseSource } from "../../stacks/release";
import { writeFixtureRelease } from "./fixture-release";

describe("the program's release reader (stacks/release.ts, through the local store's verified reader)", () => {
  let root: string;
  let fixture: { dir: string; zipPath: string; digest: string };
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-release-reader-"));
    fixture = await writeFixtureRelease();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(fixture.dir, { recursive: true, force: true });
  });

  async function store(bytes: Buffer): Promise<string> {
    const file = localStore(root).zipPath(fixture.digest as `sha256:${string}`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, bytes);
    return file;
  }

  it("returns a stored release whose bytes hash to its digest", async () => {
    const file = await store(await readFile(fixture.zipPath));
    assert.deepEqual(await readStoredRelease(fixture.digest as `sha256:${string}`, root), { digest: fixture.digest, zipPath: file });
    assert.equal(file, path.join(root, ".fleet", "releases", `${fixture.digest.slice(7)}.zip`));
  });

  it("refuses a missing release, naming the file and the fix", async () => {
    await assert.rejects(readStoredRelease(fixture.digest as `sha256:${string}`, root), /^ArtifactError: release sha256:[0-9a-f]{64} is not in the store .*\.fleet\/releases\. Fix: run 'fleet release'/);
  });

  it("refuses a corrupt release whose bytes do not hash to its name", async () => {
    const bytes = await readFile(fixture.zipPath);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
    await store(bytes);
    await assert.rejects(readStoredRelease(fixture.digest as `sha256:${string}`, root), /is corrupted: .*\.fleet\/releases\/[0-9a-f]{64}\.zip hashes to sha256:[0-9a-f]{64}\. Fix: delete it/);
  });

  it("writes a build to .fleet/build/<hex>.zip so the shipped bytes are the ones the digest names", async () => {
    const zip = await readFile(fixture.zipPath);
    const source: ReleaseSource = { build: async () => ({ digest: fixture.digest as `sha256:${string}`, zip }), fetch: async () => assert.fail("fetch") };
    const previous = useReleaseSource(source);
    try {
      const release = await resolveRelease("build", root);
      assert.equal(release.digest, fixture.digest);
      assert.equal(release.zipPath, path.join(root, ".fleet", "build", `${fixture.digest.slice(7)}.zip`));
      assert.deepEqual(await readFile(release.zipPath), zip);
    } finally {
      useReleaseSource(previous);
    }
  });
});
