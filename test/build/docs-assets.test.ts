import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { packBundleDir } from "../../artifacts/pack";
import { buildBundle } from "../../build/bundle";
import { writeDocsAssets } from "../../build/docs-assets";
import { parseFleetConfig } from "../../core/fleet-config";
import { lambdaContext } from "../helpers/aws-events";
import documentedConfig from "../fixtures/apps/documented/fleet.config";

const scalarSource = readFileSync(require.resolve("@scalar/api-reference/browser/standalone.js"));

/** A payload 2.0 GET, as the HTTP API sends it. */
function get(rawPath: string, headers: Record<string, string> = {}) {
  return {
    version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", headers, isBase64Encoded: false,
    requestContext: { requestId: "build-docs-1", stage: "$default", http: { method: "GET", path: rawPath, sourceIp: "203.0.113.9" } },
  };
}

type Built = (event: unknown, context: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }>;

describe("build: the /docs assets (build/docs-assets.ts, buildBundle)", function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => (tmp = mkdtempSync(path.join(os.tmpdir(), "fleet-build-docs-"))));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("writes Scalar's bundle, named by its sha256, and a gzip of it with no time and no OS in its header", async () => {
    const dir = path.join(tmp, "assets");
    const settings = await writeDocsAssets(dir, "/openapi.json");
    const hash = createHash("sha256").update(scalarSource).digest("hex").slice(0, 16);
    assert.deepEqual(settings, { openapi: "/openapi.json", scalarFile: `scalar.${hash}.js`, assetDir: "docs" });
    assert.deepEqual(readdirSync(path.join(dir, "docs")).sort(), [`scalar.${hash}.js`, `scalar.${hash}.js.gz`]);
    assert.ok(readFileSync(path.join(dir, "docs", `scalar.${hash}.js`)).equals(scalarSource));
    const gzip = readFileSync(path.join(dir, "docs", `scalar.${hash}.js.gz`));
    assert.ok(gunzipSync(gzip).equals(scalarSource));
    assert.equal(gzip.readUInt32LE(4), 0, "mtime");
    assert.equal(gzip[9], 255, "OS byte");
    assert.ok(gzip.length < scalarSource.length / 3, `gzip is ${gzip.length} bytes`);
  });

  it("removes docs/ when the config has no openapi, so no earlier build's assets ship", async () => {
    const dir = path.join(tmp, "stale");
    mkdirSync(path.join(dir, "docs"), { recursive: true });
    writeFileSync(path.join(dir, "docs", "scalar.0000000000000000.js"), "old");
    assert.equal(await writeDocsAssets(dir, undefined), null);
    assert.equal(existsSync(path.join(dir, "docs")), false);
  });

  it("buildBundle with openapi: docs/ beside index.js, /docs served by the built handler, the same digest twice", async () => {
    const config = parseFleetConfig(documentedConfig);
    const first = await buildBundle(path.join(tmp, "documented-1"), { config });
    const second = await buildBundle(path.join(tmp, "documented-2"), { config });
    assert.deepEqual((await packBundleDir(first.dir)).digest, (await packBundleDir(second.dir)).digest);
    const [scalarFile] = readdirSync(path.join(first.dir, "docs")).filter((name) => name.endsWith(".js"));
    const { handler } = require(first.file) as { handler: Built };
    const page = await handler(get("/docs"), lambdaContext());
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`src="docs/${scalarFile}"`), page.body);
    const script = await handler(get(`/docs/${scalarFile}`, { "accept-encoding": "gzip" }), lambdaContext());
    assert.equal(script.headers["content-encoding"], "gzip");
    assert.ok(gunzipSync(Buffer.from(script.body, "base64")).equals(scalarSource));
  });

  it("buildBundle without openapi: no docs/ (an earlier one removed), and /docs is the app's 404", async () => {
    const dir = path.join(tmp, "undocumented");
    const { openapi: _, ...rest } = parseFleetConfig(documentedConfig);
    await buildBundle(dir, { config: parseFleetConfig(documentedConfig) });
    assert.ok(existsSync(path.join(dir, "docs")));
    const bundle = await buildBundle(dir, { config: parseFleetConfig(rest) });
    assert.deepEqual(readdirSync(dir), ["index.js"]);
    const { handler } = require(bundle.file) as { handler: Built };
    assert.equal((await handler(get("/docs"), lambdaContext())).statusCode, 404);
    assert.equal((await handler(get("/notes"), lambdaContext())).statusCode, 200);
  });
});
