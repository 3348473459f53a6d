import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { depdFileAtBuild } from "../../build/depd-file-at-build";
import { repoRoot } from "../../core/paths";

/** What depd gives its caller (the bundle's http-errors and cookies), as far as the rewrite touches it. */
interface Deprecate {
  (message: string): void;
  _file: string;
  _namespace: string;
}

// The caller sits in the bundle, as http-errors and cookies do in the Lambda bundle.
const entry = `module.exports = require("depd")("fleet-test");`;

async function bundleWith(plugins: Plugin[], outfile: string): Promise<Deprecate> {
  await build({ stdin: { contents: entry, resolveDir: repoRoot, loader: "js" }, outfile, bundle: true, platform: "node", format: "cjs", logLevel: "silent", plugins });
  return require(outfile) as Deprecate;
}

describe("depd in the Lambda bundle (build/depd-file-at-build.ts)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fleet-depd-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("knows its caller's file without a stack trace: the same file the unmodified depd finds", async () => {
    const original = await bundleWith([], path.join(dir, "original.js"));
    const rewritten = await bundleWith([depdFileAtBuild()], path.join(dir, "rewritten.js"));
    assert.equal(original._file, path.join(dir, "original.js"), "the reference depd no longer names the bundle's file");
    assert.equal(rewritten._file, path.join(dir, "rewritten.js"));
    assert.equal(rewritten._namespace, "fleet-test");
  });

  it("still reports a deprecation, naming its namespace", async () => {
    const deprecate = await bundleWith([depdFileAtBuild()], path.join(dir, "reports.js"));
    const seen: Error[] = [];
    const listener = (error: Error) => seen.push(error);
    process.on("deprecation", listener);
    try {
      deprecate("an old way");
    } finally {
      process.off("deprecation", listener);
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.name, "DeprecationError");
    assert.equal(seen[0]!.message, "an old way");
    assert.equal((seen[0] as Error & { namespace?: string }).namespace, "fleet-test");
  });
});
