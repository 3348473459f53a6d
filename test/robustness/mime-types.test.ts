import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { repoRoot } from "../../core/paths";
import { precomputedMimeTypes } from "../../build/precomputed-mime-types";

/** The mime-types API surface the bundle's packages call. */
interface MimeTypes {
  lookup(pathOrExtension: string): string | false;
  contentType(typeOrExtension: string): string | false;
  extension(type: string): string | false;
  charset(type: string): string | false;
  types: Record<string, string>;
  extensions: Record<string, string[]>;
}
interface BothVersions {
  /** mime-types 3 (koa's own `ctx.type`, type-is). */
  v3: MimeTypes;
  /** mime-types 2 (accepts 1.3, behind `ctx.accepts`). */
  v2: MimeTypes;
}

const fullDbFile = require.resolve("mime-db/db.json");
// Both mime-types copies the app bundle contains, loaded from one entry so both see the same mime-db module.
const entry = `module.exports = { v3: require("mime-types"), v2: require("./node_modules/accepts/node_modules/mime-types") };`;

/** Resolves `mime-db` to the full JSON database and leaves mime-types alone: the reference to match. */
const fullMimeDb: Plugin = {
  name: "full-mime-db",
  setup(b) {
    b.onResolve({ filter: /^mime-db$/ }, () => ({ path: fullDbFile }));
  },
};

async function bundleWith(plugin: Plugin, outfile: string): Promise<BothVersions> {
  await build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: "js" },
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    logLevel: "silent",
    plugins: [plugin],
  });
  return require(outfile) as BothVersions;
}

describe("mime-types with precomputed maps in the Lambda bundle", () => {
  let dir: string;
  let full: BothVersions;
  let precomputed: BothVersions;
  let allTypes: string[];

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "fleet-mime-"));
    full = await bundleWith(fullMimeDb, path.join(dir, "full.js"));
    precomputed = await bundleWith(precomputedMimeTypes(), path.join(dir, "precomputed.js"));
    allTypes = Object.keys(require(fullDbFile) as Record<string, unknown>);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const version of ["v3", "v2"] as const) {
    it(`gives mime-types ${version === "v3" ? 3 : 2} the same extension and type maps as the full database`, () => {
      assert.ok(Object.keys(full[version].types).length > 1000, "the reference database looks empty");
      assert.deepEqual(precomputed[version].types, full[version].types);
      assert.deepEqual(precomputed[version].extensions, full[version].extensions);
    });

    it(`answers every mime-types ${version === "v3" ? 3 : 2} call the same for every type and extension`, () => {
      const inputs = [
        ...allTypes,
        ...Object.keys(full[version].types),
        ...Object.keys(full[version].types).map((ext) => `file.${ext.toUpperCase()}`),
        "json", "html", "png", "text", "application/json; charset=utf-8", "text/x-unknown-thing", "", "noextension",
      ];
      for (const input of inputs) {
        for (const fn of ["lookup", "contentType", "extension", "charset"] as const) {
          assert.equal(precomputed[version][fn](input), full[version][fn](input), `${fn}(${JSON.stringify(input)})`);
        }
      }
    });
  }

  it("answers koa's own lookups (json, html, text, bin) without decoding the table, and a replaced map still wins", async () => {
    // A fresh copy: the tests above have decoded the shared one.
    const fresh = await bundleWith(precomputedMimeTypes(), path.join(dir, "fresh.js"));
    const stillLazy = (mime: MimeTypes) => typeof Object.getOwnPropertyDescriptor(mime, "types")?.get === "function";
    for (const version of ["v3", "v2"] as const) {
      for (const input of ["json", "html", "text", "bin", "png", "csv"]) {
        assert.equal(fresh[version].lookup(input), full[version].lookup(input), `${version} lookup(${input})`);
        assert.equal(fresh[version].contentType(input), full[version].contentType(input), `${version} contentType(${input})`);
      }
      assert.ok(stillLazy(fresh[version]), `mime-types ${version} decoded its table for a common extension`);
    }
    assert.equal(fresh.v3.lookup("woff2"), full.v3.lookup("woff2"), "an uncommon extension is answered from the decoded table");
    assert.ok(!stillLazy(fresh.v3), "the table was not decoded for an uncommon extension");
    fresh.v2.types = { json: "application/x-replaced" };
    assert.equal(fresh.v2.lookup("json"), "application/x-replaced");
  });

  it("bundles no mime-db and stays far smaller than the two full copies it replaces", async () => {
    const { outputFiles, metafile } = await build({
      stdin: { contents: entry, resolveDir: repoRoot, loader: "js" },
      bundle: true, platform: "node", format: "cjs", minify: true, write: false, logLevel: "silent", metafile: true,
      plugins: [precomputedMimeTypes()],
    });
    assert.deepEqual(Object.keys(metafile.inputs).filter((file) => file.includes("mime-db")), []);
    const bytes = outputFiles[0]!.contents.length;
    assert.ok(bytes < 60_000, `mime-types with precomputed maps bundles to ${bytes} bytes`);
  });
});
