import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { canonicalDigest } from "../../artifacts/openapi-of-bundle";
import { readZip } from "../../artifacts/unzip";
import { defaultBundleDir, filesUnder } from "../../build/bundle";
import { digestOf } from "../../core/digest";
import { runCli } from "../helpers/run-cli";

describe("fleet release / fleet releases", function () {
  // Two real builds of the app through the CLI.
  this.timeout(120_000);
  let store: string;
  /** The digest of the tree, built alone. */
  let digest: string;
  before(async () => {
    store = await mkdtemp(path.join(tmpdir(), "fleet-release-cli-"));
  });
  after(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it("builds the same digest twice in a row, stores it once, with the app's OpenAPI document", async () => {
    const first = await runCli(["release", "--store", store]);
    assert.equal(first.code, 0, first.stderr);
    digest = first.stdout.trim();
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    const second = await runCli(["release", "--store", store, "--json"]);
    assert.equal(second.code, 0, second.stderr);
    const manifest = JSON.parse(second.stdout) as { digest: string; runtime: string; openapi: string | null; size: number; git: { dirty: boolean } };
    assert.equal(manifest.digest, digest);
    assert.equal(manifest.runtime, "nodejs22.x");
    assert.match(manifest.openapi ?? "", /^sha256:[0-9a-f]{64}$/, "the app's bundle serves /openapi.json, so its hash is in the manifest");

    const listed = await runCli(["releases", "--store", store, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual((JSON.parse(listed.stdout) as { digest: string }[]).map((m) => m.digest), [digest]);
    const table = await runCli(["releases", "--store", store]);
    assert.match(table.stdout, new RegExp(`^DIGEST +CREATED +SIZE +COMMIT\\n${digest} `));
  });

  it("eight concurrent releases of one tree print one digest and store one intact zip (each builds in its own directory)", async () => {
    const shared = await mkdtemp(path.join(tmpdir(), "fleet-release-8-"));
    try {
      const runs = await Promise.all(Array.from({ length: 8 }, () => runCli(["release", "--store", shared])));
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(new Set(runs.map((run) => run.stdout.trim())), new Set([digest]), "every run prints the digest of the tree built alone");
      const hex = digest.slice("sha256:".length);
      assert.deepEqual((await readdir(shared)).filter((name) => name.endsWith(".zip")), [`${hex}.zip`]);
      const zip = await readFile(path.join(shared, `${hex}.zip`));
      assert.equal(digestOf(zip), digest);
      // The placed bundle is one of the eight identical builds, whole: the same files, the same bytes the zip holds.
      const entries = readZip(zip);
      assert.ok((entries.find((e) => e.name === "index.js")?.data.length ?? 0) > 0);
      assert.deepEqual((await filesUnder(defaultBundleDir)).sort(), entries.map((e) => e.name).sort());
      for (const entry of entries) assert.deepEqual(await readFile(path.join(defaultBundleDir, entry.name)), entry.data, entry.name);
      const manifest = JSON.parse(await readFile(path.join(shared, `${hex}.json`), "utf8")) as { openapi: string; size: number };
      assert.equal(manifest.size, zip.length);
      assert.equal(manifest.openapi, canonicalDigest(JSON.parse(await readFile(path.join(shared, `${hex}.openapi.json`), "utf8"))));
      // No private build directory is left beside dist/lambda.
      assert.deepEqual((await readdir(path.dirname(defaultBundleDir))).filter((name) => name.startsWith(".")), []);
    } finally {
      await rm(shared, { recursive: true, force: true });
    }
  });

  it("refuses a store it cannot write to, with a message naming it", async () => {
    const result = await runCli(["release", "--store", path.join(__filename, "store")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /fleet: the release store .* is not writable \(ENOTDIR\)/);
  });
});
