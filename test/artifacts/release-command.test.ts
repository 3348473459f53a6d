import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";

describe("fleet release / fleet releases", function () {
  // Two real builds of the app through the CLI.
  this.timeout(120_000);
  let store: string;
  before(async () => {
    store = await mkdtemp(path.join(tmpdir(), "fleet-release-cli-"));
  });
  after(async () => {
    await rm(store, { recursive: true, force: true });
  });

  it("builds the same digest twice in a row, stores it once, with the app's OpenAPI document", async () => {
    const first = await runCli(["release", "--store", store]);
    assert.equal(first.code, 0, first.stderr);
    const digest = first.stdout.trim();
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

  it("refuses a store it cannot write to, with a message naming it", async () => {
    const result = await runCli(["release", "--store", path.join(__filename, "store")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /fleet: the release store .* is not writable \(ENOTDIR\)/);
  });
});
