import assert from "node:assert/strict";
import request from "supertest";
import { toOpenApiPath, type OpenApiDocument } from "../openapi";
import { appResources, createRouter } from "../routes";
import { testConfig, testHandler } from "./support";

type Json = Record<string, any>;

/**
 * The JSON Schemas a client reads, written out by hand from app/schemas/ (not computed with the converter the
 * document is built with, so a change to how the document is made shows here as a difference).
 */
const string = { type: "string" };
const expectedSchemas = {
  echoRequest: {
    type: "object",
    properties: {
      message: { type: "string", minLength: 1, maxLength: 1000 },
      tags: { maxItems: 10, type: "array", items: { type: "string", minLength: 1, maxLength: 32 } },
    },
    required: ["message"],
    additionalProperties: false,
  },
  echoResponse: {
    type: "object",
    properties: {
      message: string,
      tags: { type: "array", items: string, description: "[] when the request had none" },
      bytes: { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: "UTF-8 byte length of message" },
    },
    required: ["message", "tags", "bytes"],
    additionalProperties: false,
  },
  greeting: { type: "object", properties: { greeting: { type: "string", description: 'e.g. "Hello, Ada!"' } }, required: ["greeting"], additionalProperties: false },
  health: {
    type: "object",
    properties: { status: { type: "string", const: "ok" }, stage: string, region: string, release: { type: "string", description: "sha256:<hex> of the deployed release, or dev" } },
    required: ["status", "stage", "region", "release"],
    additionalProperties: false,
  },
  whoami: {
    type: "object",
    properties: {
      region: string,
      stage: string,
      requestId: string,
      sourceIp: { type: ["string", "null"] },
      method: string,
      path: { type: "string", description: "The path as routed, without the stage or base path prefix" },
      query: {
        type: "object",
        propertyNames: string,
        additionalProperties: { anyOf: [string, { type: "array", items: string }] },
        description: "Repeated keys become arrays",
      },
      cookies: { type: "object", propertyNames: string, additionalProperties: string },
    },
    required: ["region", "stage", "requestId", "sourceIp", "method", "path", "query", "cookies"],
    additionalProperties: false,
  },
  problem: {
    type: "object",
    properties: {
      type: { type: "string", description: "URI naming the kind of problem, or about:blank" },
      title: string,
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: string,
      requestId: { type: "string", description: "Quote it when asking about this request; also in x-request-id" },
      errors: {
        type: "array",
        items: {
          type: "object",
          properties: { path: { type: "string", description: "Where the bad value is: body.tags[2], query.lang, params.name" }, message: string },
          required: ["path", "message"],
          additionalProperties: false,
        },
        description: "Present on validation problems (400)",
      },
    },
    required: ["type", "title", "status", "detail", "requestId"],
    additionalProperties: false,
  },
};

/** Every "METHOD /path" the router answers, HEAD included only where a route registers it explicitly. */
function routerOperations(): { explicit: Set<string>; implicitHead: Set<string> } {
  const router = createRouter(appResources(testConfig));
  const explicit = new Set<string>();
  const implicitHead = new Set<string>();
  for (const layer of router.stack) {
    if (typeof layer.path !== "string") continue;
    for (const method of layer.methods) {
      const operation = `${method} ${toOpenApiPath(layer.path)}`;
      // koa-router adds HEAD to every GET layer.
      if (method === "HEAD" && layer.methods.includes("GET")) implicitHead.add(operation);
      else explicit.add(operation);
    }
  }
  return { explicit, implicitHead };
}

function documentedOperations(doc: OpenApiDocument): Set<string> {
  const operations = new Set<string>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) operations.add(`${method.toUpperCase()} ${path}`);
  }
  return operations;
}

describe("GET /openapi.json", () => {
  let doc: OpenApiDocument;
  before(async () => {
    const res = await request(testHandler()).get("/openapi.json").expect(200).expect("content-type", "application/json; charset=utf-8");
    doc = res.body;
  });

  it("is an OpenAPI 3.1 document for this release", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.equal(doc.info.version, testConfig.release);
    assert.deepEqual(doc.servers, [{ url: ".", description: "This deployment" }]);
  });

  it("documents every route the router serves, and nothing it does not", () => {
    const { explicit, implicitHead } = routerOperations();
    const documented = documentedOperations(doc);
    for (const operation of explicit) assert.ok(documented.has(operation), `${operation} is routed but not documented`);
    for (const operation of documented) {
      assert.ok(explicit.has(operation) || implicitHead.has(operation), `${operation} is documented but not routed`);
    }
    assert.deepEqual([...documented].sort(), [
      "GET /health",
      "GET /openapi.json",
      "POST /v1/echo",
      "GET /v1/greetings/{name}",
      "GET /v1/pixel.png",
      "GET /v1/whoami",
      "HEAD /health",
    ].sort());
  });

  it("gives every operation a unique operationId, a summary and a 500 problem response", () => {
    const ids = new Set<string>();
    for (const item of Object.values(doc.paths)) {
      for (const operation of Object.values(item) as Json[]) {
        assert.ok(!ids.has(operation.operationId), operation.operationId);
        ids.add(operation.operationId);
        assert.ok(operation.summary);
        assert.deepEqual(operation.responses["500"].content["application/problem+json"].schema, { $ref: "#/components/schemas/Problem" });
      }
    }
  });

  it("describes the greeting's path and query parameters from their schemas", () => {
    const operation = doc.paths["/v1/greetings/{name}"]!.get as Json;
    assert.deepEqual(operation.parameters, [
      { name: "name", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 }, description: "Who to greet, 1-64 characters" },
      { name: "lang", in: "query", required: false, schema: { default: "en", type: "string", enum: ["en", "fr", "de"] } },
    ]);
    assert.deepEqual(operation.responses["200"].content["application/json"].schema, expectedSchemas.greeting);
    assert.ok(operation.responses["400"], "validation errors are documented");
    assert.equal(operation.responses["413"], undefined, "no body, no 413");
  });

  it("describes the echo body (strict) and its error responses", () => {
    const operation = doc.paths["/v1/echo"]!.post as Json;
    const schema = operation.requestBody.content["application/json"].schema;
    assert.deepEqual(schema, expectedSchemas.echoRequest);
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ["message"]);
    assert.equal(schema.properties.tags.maxItems, 10);
    assert.equal(schema.properties.message.maxLength, 1000);
    assert.deepEqual(operation.responses["200"].content["application/json"].schema, expectedSchemas.echoResponse);
    // A byte count is never negative (regression: a bare int documented -2^53+1 as its minimum).
    assert.equal(operation.responses["200"].content["application/json"].schema.properties.bytes.minimum, 0);
    for (const status of ["400", "405", "413", "415", "500"]) {
      assert.ok(operation.responses[status].content["application/problem+json"], status);
    }
  });

  it("describes health, whoami (with its cookies) and the PNG", () => {
    const health = doc.paths["/health"] as Json;
    assert.deepEqual(health.get.responses["200"].content["application/json"].schema, expectedSchemas.health);
    assert.equal(health.head.responses["200"].content, undefined);
    const whoami = doc.paths["/v1/whoami"]!.get as Json;
    assert.deepEqual(whoami.responses["200"].content["application/json"].schema, expectedSchemas.whoami);
    assert.ok(whoami.responses["200"].headers["set-cookie"]);
    assert.deepEqual(whoami.parameters.map((p: Json) => `${p.in}.${p.name}`), ["query.remember"]);
    assert.ok((doc.paths["/v1/pixel.png"] as Json).get.responses["200"].content["image/png"]);
  });

  it("defines Problem from its zod schema and every $ref resolves", () => {
    assert.deepEqual(doc.components.schemas.Problem, expectedSchemas.problem);
    // Problems are 4xx/5xx (regression: a bare int documented the whole safe-integer range).
    const status = (doc.components.schemas.Problem as Json).properties.status;
    assert.deepEqual({ type: status.type, minimum: status.minimum, maximum: status.maximum }, { type: "integer", minimum: 400, maximum: 599 });
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    assert.ok(refs.length > 0);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      assert.ok(name && doc.components.schemas[name], ref);
    }
  });

  it("names every operation, its tag and the responses it documents, the same on every request", async () => {
    const app = testHandler();
    const again = (await request(app).get("/openapi.json")).body as OpenApiDocument;
    assert.deepEqual(again, doc);
    assert.deepEqual(doc.tags, ["health", "whoami", "echo", "greetings", "pixel", "docs"].map((name) => ({ name })));
    const problem = "application/problem+json";
    const summary = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]: [string, Json]) => ({
        operation: `${method.toUpperCase()} ${path}`,
        operationId: operation.operationId,
        tags: operation.tags,
        responses: Object.fromEntries(Object.entries(operation.responses as Json).map(([status, response]) => [status, Object.keys(response.content ?? {})])),
      })),
    );
    const errors = { "405": [problem], "500": [problem] };
    assert.deepEqual(summary, [
      { operation: "GET /health", operationId: "getHealth", tags: ["health"], responses: { "200": ["application/json"], ...errors } },
      { operation: "HEAD /health", operationId: "getHealthHead", tags: ["health"], responses: { "200": [], "500": [problem] } },
      { operation: "GET /v1/whoami", operationId: "getWhoami", tags: ["whoami"], responses: { "200": ["application/json"], "400": [problem], ...errors } },
      {
        operation: "POST /v1/echo",
        operationId: "postEcho",
        tags: ["echo"],
        responses: { "200": ["application/json"], "400": [problem], "413": [problem], "415": [problem], ...errors },
      },
      { operation: "GET /v1/greetings/{name}", operationId: "getGreeting", tags: ["greetings"], responses: { "200": ["application/json"], "400": [problem], ...errors } },
      { operation: "GET /v1/pixel.png", operationId: "getPixel", tags: ["pixel"], responses: { "200": ["image/png"], ...errors } },
      { operation: "GET /openapi.json", operationId: "getOpenApiDocument", tags: ["docs"], responses: { "200": ["application/json"], ...errors } },
    ]);
    assert.deepEqual(doc.paths["/health"]!.get!.responses, {
      "200": { description: "The function is up", content: { "application/json": { schema: expectedSchemas.health } } },
      "405": {
        description: "Method not allowed on this path",
        content: { [problem]: { schema: { $ref: "#/components/schemas/Problem" } } },
        headers: { allow: { description: "The methods this path accepts", schema: { type: "string" } } },
      },
      "500": { description: "Unexpected failure: quote requestId when reporting it", content: { [problem]: { schema: { $ref: "#/components/schemas/Problem" } } } },
    });
  });
});

describe("toOpenApiPath", () => {
  it("turns koa parameters into OpenAPI templates", () => {
    assert.equal(toOpenApiPath("/v1/greetings/:name"), "/v1/greetings/{name}");
    assert.equal(toOpenApiPath("/a/:b/c/:d_e"), "/a/{b}/c/{d_e}");
    assert.equal(toOpenApiPath("/health"), "/health");
  });
});
