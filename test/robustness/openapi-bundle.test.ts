import assert from "node:assert/strict";
import { bundleComposition } from "../../bench/bundle-composition";
import { loadConfig } from "../../app/config";
import { buildOpenApiDocument } from "../../app/openapi";
import { appResources } from "../../app/routes";
import { loadBuiltHandler, robustnessEnv, testContext, withQuietOutput } from "./helpers/built-handler";

describe("the bundle's precomputed OpenAPI document (build/precomputed-openapi.ts)", () => {
  it("is exactly the document the route registry produces at run time, info filled from the bundle's environment", async () => {
    const { handler } = await loadBuiltHandler();
    const event = {
      version: "2.0", routeKey: "$default", rawPath: "/openapi.json", rawQueryString: "", headers: { accept: "application/json" },
      isBase64Encoded: false, requestContext: { requestId: "openapi-1", stage: "$default", http: { method: "GET", path: "/openapi.json", sourceIp: "203.0.113.1" } },
    };
    const response = await withQuietOutput(() => handler(event, testContext()));
    assert.equal(response.statusCode, 200);
    const served: unknown = JSON.parse(String(response.body));
    // The environment the bundle was loaded with: its stage and region differ from the build-time placeholders.
    const config = loadConfig(robustnessEnv);
    const expected = buildOpenApiDocument(appResources(config).flatMap((resource) => resource.routes), config);
    assert.deepEqual(served, expected);
    assert.match(expected.info.description, /stage robust, region eu-west-1/);
  });

  it("leaves zod's JSON Schema converter out of the bundle", async () => {
    const composition = await bundleComposition();
    assert.deepEqual(Object.keys(composition.inputs).filter((file) => /json-schema|to-json-schema|app\/openapi\.ts$/.test(file)), []);
  });
});
