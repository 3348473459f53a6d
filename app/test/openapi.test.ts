import assert from "node:assert/strict";
import request from "supertest";
import * as z from "zod/mini";
import { buildOpenApiDocument, toOpenApiPath, type OpenApiDocument } from "../openapi";
import { appResources, createRouter } from "../routes";
import { EchoRequest, EchoResponse } from "../schemas/echo";
import { Greeting } from "../schemas/greetings";
import { Health } from "../schemas/health";
import { Problem } from "../schemas/problem";
import { Whoami } from "../schemas/whoami";
import { testConfig, testHandler } from "./support";

type Json = Record<string, any>;

function jsonSchema(schema: z.ZodMiniType, io: "input" | "output"): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as Json;
  return rest;
}

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
    assert.deepEqual(operation.responses["200"].content["application/json"].schema, jsonSchema(Greeting, "output"));
    assert.ok(operation.responses["400"], "validation errors are documented");
    assert.equal(operation.responses["413"], undefined, "no body, no 413");
  });

  it("describes the echo body (strict) and its error responses", () => {
    const operation = doc.paths["/v1/echo"]!.post as Json;
    const schema = operation.requestBody.content["application/json"].schema;
    assert.deepEqual(schema, jsonSchema(EchoRequest, "input"));
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ["message"]);
    assert.equal(schema.properties.tags.maxItems, 10);
    assert.equal(schema.properties.message.maxLength, 1000);
    assert.deepEqual(operation.responses["200"].content["application/json"].schema, jsonSchema(EchoResponse, "output"));
    // A byte count is never negative (regression: a bare int documented -2^53+1 as its minimum).
    assert.equal(operation.responses["200"].content["application/json"].schema.properties.bytes.minimum, 0);
    for (const status of ["400", "405", "413", "415", "500"]) {
      assert.ok(operation.responses[status].content["application/problem+json"], status);
    }
  });

  it("describes health, whoami (with its cookies) and the PNG", () => {
    const health = doc.paths["/health"] as Json;
    assert.deepEqual(health.get.responses["200"].content["application/json"].schema, jsonSchema(Health, "output"));
    assert.equal(health.head.responses["200"].content, undefined);
    const whoami = doc.paths["/v1/whoami"]!.get as Json;
    assert.deepEqual(whoami.responses["200"].content["application/json"].schema, jsonSchema(Whoami, "output"));
    assert.ok(whoami.responses["200"].headers["set-cookie"]);
    assert.deepEqual(whoami.parameters.map((p: Json) => `${p.in}.${p.name}`), ["query.remember"]);
    assert.ok((doc.paths["/v1/pixel.png"] as Json).get.responses["200"].content["image/png"]);
  });

  it("defines Problem from its zod schema and every $ref resolves", () => {
    assert.deepEqual(doc.components.schemas.Problem, jsonSchema(Problem, "output"));
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

  it("is the document built from the route definitions, the same on every request", async () => {
    const app = testHandler();
    const first = await request(app).get("/openapi.json");
    const second = await request(app).get("/openapi.json");
    assert.deepEqual(first.body, second.body);
    const built = buildOpenApiDocument(appResources(testConfig).flatMap((r) => r.routes), testConfig);
    assert.deepEqual(first.body, JSON.parse(JSON.stringify(built)));
  });
});

describe("toOpenApiPath", () => {
  it("turns koa parameters into OpenAPI templates", () => {
    assert.equal(toOpenApiPath("/v1/greetings/:name"), "/v1/greetings/{name}");
    assert.equal(toOpenApiPath("/a/:b/c/:d_e"), "/a/{b}/c/{d_e}");
    assert.equal(toOpenApiPath("/health"), "/health");
  });
});
