import assert from "node:assert/strict";
import { diffOpenApi } from "../../rollout/openapi-diff";

const doc = (paths: Record<string, unknown>, components: Record<string, unknown> = {}) => ({ openapi: "3.1.0", info: { title: "t", version: "1" }, paths, components });

const echoBody = (schema: Record<string, unknown>) => ({
  post: { requestBody: { required: true, content: { "application/json": { schema } } }, responses: { "200": { description: "ok" } } },
});

const EchoV1 = { type: "object", additionalProperties: false, required: ["message"], properties: { message: { type: "string", minLength: 1, maxLength: 1000 }, tags: { type: "array", maxItems: 10, items: { type: "string" } } } };

const breaking = (before: unknown, after: unknown) => diffOpenApi(before, after).filter((c) => c.breaking).map((c) => c.message);

describe("diffOpenApi", () => {
  const v1 = doc({ "/v1/echo": echoBody({ $ref: "#/components/schemas/Echo" }), "/health": { get: { responses: {} } } }, { schemas: { Echo: EchoV1 } });

  it("finds nothing between a document and itself", () => {
    assert.deepEqual(diffOpenApi(v1, structuredClone(v1)), []);
  });

  it("reports a removed operation as breaking and an added one as not", () => {
    const v2 = doc({ "/v1/echo": v1.paths["/v1/echo"], "/v1/new": { get: { responses: {} } } }, v1.components);
    assert.deepEqual(diffOpenApi(v1, v2), [
      { breaking: true, message: "GET /health: operation removed" },
      { breaking: false, message: "GET /v1/new: operation added" },
    ]);
  });

  it("reports a new required body property and a new required query parameter", () => {
    const echo = { ...EchoV1, required: ["message", "channel"], properties: { ...EchoV1.properties, channel: { type: "string" } } };
    const v2 = doc({ "/v1/echo": echoBody(echo), "/health": { get: { parameters: [{ name: "deep", in: "query", required: true, schema: { type: "boolean" } }], responses: {} } } });
    assert.deepEqual(breaking(v1, v2), ["POST /v1/echo: body (application/json): property 'channel' is new and required", "GET /health: query parameter 'deep' is new and required"]);
  });

  it("reports narrowed types: changed type, lowered maximum, removed enum value", () => {
    const echo = { ...EchoV1, properties: { message: { type: "string", minLength: 1, maxLength: 100 }, tags: { type: "array", maxItems: 10, items: { type: "integer" } } } };
    const before = doc({ "/g": { get: { parameters: [{ name: "lang", in: "query", schema: { enum: ["en", "fr"] } }], responses: {} } }, "/v1/echo": echoBody(EchoV1) });
    const after = doc({ "/g": { get: { parameters: [{ name: "lang", in: "query", schema: { enum: ["en"] } }], responses: {} } }, "/v1/echo": echoBody(echo) });
    assert.deepEqual(breaking(before, after), [
      'GET /g: query parameter \'lang\': no longer accepts "fr"',
      "POST /v1/echo: body (application/json).message: maxLength lowered to 100",
      "POST /v1/echo: body (application/json).tags[]: type narrowed from string to integer",
    ]);
  });

  it("accepts widened inputs: optional becomes optional-with-more-values, integer becomes number", () => {
    const before = doc({ "/g/{name}": { get: { parameters: [{ name: "n", in: "query", schema: { type: "integer", maximum: 5, enum: [1, 2] } }], responses: {} } } });
    const after = doc({ "/g/{id}": { get: { parameters: [{ name: "n", in: "query", schema: { type: "number", maximum: 10, enum: [1, 2, 3] } }], responses: {} } } });
    assert.deepEqual(diffOpenApi(before, after), []);
  });
});
