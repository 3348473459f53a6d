import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { build } from "esbuild";
import { lazyBuiltinsPlugin } from "../../build/lazy-builtins";

describe("lazy built-ins in the Lambda bundle (build/lazy-builtins.ts)", () => {
  let dir: string;
  let standIn: typeof zlib;
  let inputs: string[];
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fleet-lazy-"));
    // A module where destroy's own `require('zlib')` would be: the plugin applies to that importer only.
    const probe = path.join(dir, "node_modules", "destroy", "probe.js");
    await mkdir(path.dirname(probe), { recursive: true });
    await writeFile(probe, `module.exports = require("zlib");`);
    const outfile = path.join(dir, "out.js");
    const result = await build({
      entryPoints: [probe], outfile, bundle: true, platform: "node", format: "cjs", logLevel: "silent", metafile: true,
      plugins: [lazyBuiltinsPlugin()],
    });
    inputs = Object.keys(result.metafile.inputs);
    standIn = require(outfile) as typeof zlib;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("gives destroy a stand-in, not zlib itself", () => {
    assert.ok(inputs.includes("fleet-lazy-builtin:zlib"), inputs.join(", "));
  });

  it("answers every property read with the real zlib's (classes, functions, constants)", () => {
    assert.equal(standIn.Gzip, zlib.Gzip);
    assert.equal(standIn.createGzip, zlib.createGzip);
    assert.equal(standIn.constants.Z_OK, zlib.constants.Z_OK);
    assert.ok(zlib.createGzip() instanceof standIn.Gzip);
    assert.ok("Deflate" in standIn);
    assert.deepEqual(Object.keys(standIn).sort(), Object.keys(zlib).sort());
  });
});
