import assert from "node:assert/strict";
import { build } from "esbuild";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const appDir = path.resolve(__dirname, "../../app");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("app weight (cold start)", () => {
  it("imports zod only as zod/mini (plus its English messages), never the full zod", () => {
    const allowed = new Set(["zod/mini", "zod/v4/locales/en.js"]);
    for (const file of sourceFiles(appDir)) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](zod[^"']*)["']/g)) {
        assert.ok(allowed.has(match[1]!), `${path.relative(appDir, file)} imports ${match[1]}`);
      }
    }
  });

  it("bundles createApp without zod classic or other zod locales", async function () {
    this.timeout(60000);
    const result = await build({
      entryPoints: [path.join(appDir, "index.ts")],
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node22",
      minify: true,
      write: false,
      metafile: true,
      outfile: "out.js",
      logLevel: "silent",
    });
    const output = Object.values(result.metafile.outputs)[0]!;
    let zodBytes = 0;
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (!input.includes("node_modules/zod/")) continue;
      zodBytes += bytesInOutput;
      assert.doesNotMatch(input, /zod\/v4\/classic\//, `${input} is full zod`);
      if (bytesInOutput > 0) assert.doesNotMatch(input, /zod\/v4\/locales\/(?!en\.js)/, `${input} is another language`);
    }
    // zod/mini with toJSONSchema is ~40 KB minified; full zod is ~450 KB.
    assert.ok(zodBytes < 100_000, `zod adds ${zodBytes} bytes`);
  });
});
