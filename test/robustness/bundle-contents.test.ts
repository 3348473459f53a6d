import assert from "node:assert/strict";
import { bundleComposition, type BundleComposition } from "../../bench/bundle-composition";
import { loadBuiltHandler, testContext, withQuietOutput } from "./helpers/built-handler";

describe("what the Lambda bundle contains (build/ plugins)", () => {
  let composition: BundleComposition;
  before(async () => {
    composition = await bundleComposition();
  });

  const files = () => Object.keys(composition.inputs);

  it("holds no mime-db: both mime-types copies share one precomputed table", () => {
    assert.deepEqual(files().filter((f) => /mime-db|mime-maps/.test(f)), ["fleet-precomputed-mime-types:fleet-mime-maps"]);
  });

  it("holds one copy of http-errors, statuses and depd", () => {
    for (const name of ["http-errors", "statuses", "depd"]) {
      const copies = new Set(files().filter((f) => f.includes(`/${name}/`)).map((f) => f.slice(0, f.lastIndexOf(`/${name}/`))));
      assert.equal(copies.size, 1, `${name}: ${[...copies].join(", ")}`);
    }
  });

  it("leaves out debug's browser build and serverless-http's Azure provider", () => {
    assert.deepEqual(files().filter((f) => f.includes("debug/src/browser") || f.includes("provider/azure/")), []);
  });

  it("still answers through code paths that use http-errors and negotiation (405 with Allow, 404 problem)", async () => {
    const { handler } = await loadBuiltHandler();
    const event = (method: string, path: string) => ({
      version: "2.0", routeKey: "$default", rawPath: path, rawQueryString: "", headers: { accept: "application/json" },
      isBase64Encoded: false, requestContext: { requestId: "contents-1", stage: "$default", http: { method, path, sourceIp: "203.0.113.1" } },
    });
    const notAllowed = await withQuietOutput(() => handler(event("DELETE", "/v1/echo"), testContext()));
    assert.equal(notAllowed.statusCode, 405);
    assert.match(String((notAllowed.headers as Record<string, string>).allow), /POST/);
    const missing = await withQuietOutput(() => handler(event("GET", "/nowhere"), testContext()));
    assert.equal(missing.statusCode, 404);
    assert.match(String((missing.headers as Record<string, string>)["content-type"]), /^application\/problem\+json/);
  });
});
