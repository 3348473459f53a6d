import assert from "node:assert/strict";
import { createHandler, type LambdaHandler } from "../../lambda/create-handler";
import { alwaysHeaders, apiContentSecurityPolicy } from "../../lambda/middleware/security-headers";
import type { LambdaResult } from "../../lambda/processors/event-processor";
import { lambdaContext, loadAwsEvent } from "../../test/helpers/aws-events";
import { events } from "../../test/lambda/events";

/** The body of a response as JSON, after checking it is a 200 text answer. */
function jsonOf(response: LambdaResult): Record<string, unknown> {
  assert.ok("statusCode" in response && "body" in response && typeof response.body === "string");
  assert.equal(response.statusCode, 200, response.body);
  assert.equal(response.isBase64Encoded, false);
  return JSON.parse(response.body);
}

describe("the example app behind fleet's Lambda adapter (what lambda/entry.ts builds)", () => {
  let handler: LambdaHandler;

  before(async () => {
    // The module builds its app at import, reading the environment once: keep the access log quiet here.
    const saved = process.env.FLEET_LOG_LEVEL;
    process.env.FLEET_LOG_LEVEL = "error";
    try {
      handler = createHandler((await import("..")).createApp());
    } finally {
      if (saved === undefined) delete process.env.FLEET_LOG_LEVEL;
      else process.env.FLEET_LOG_LEVEL = saved;
    }
  });

  it("HTTP API v2 with a named stage: routes the stage-stripped path and returns both cookies in cookies[]", async () => {
    const fixture = loadAwsEvent("aws-lambda-dotnet/Libraries/test/Amazon.Lambda.AspNetCoreServer.Test/values-get-all-httpapi-v2-with-stage.json");
    assert.ok(typeof fixture === "object" && fixture !== null);
    const event = { ...fixture, rawPath: "/beta/v1/whoami", rawQueryString: "remember=1", cookies: ["a=1", "b=2"] };
    const response = await handler(event, lambdaContext());
    const whoami = jsonOf(response);
    assert.equal(whoami["requestId"], "J6vl3iNWoAMESOw=");
    assert.equal(whoami["path"], "/v1/whoami");
    assert.equal(whoami["sourceIp"], "192.182.149.40");
    assert.deepEqual(whoami["cookies"], { a: "1", b: "2" });
    assert.ok("cookies" in response && Array.isArray(response.cookies));
    assert.deepEqual(response.cookies.map((cookie) => cookie.split("=")[0]), ["fleet_seen", "fleet_region"]);
    assert.ok("headers" in response && response.headers);
    assert.equal(response.headers["x-request-id"], "J6vl3iNWoAMESOw=");
  });

  it("REST v1: both cookies in multiValueHeaders; ALB single-value: one Set-Cookie and Lambda's request id", async () => {
    const rest = await handler({ ...events.restV1(), path: "/v1/whoami", multiValueQueryStringParameters: { remember: ["1"] } }, lambdaContext());
    jsonOf(rest);
    assert.ok("multiValueHeaders" in rest && rest.multiValueHeaders);
    assert.equal(rest.multiValueHeaders["set-cookie"]?.length, 2);

    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = (chunk: string | Uint8Array): boolean => {
      written.push(String(chunk));
      return true;
    };
    let alb: LambdaResult;
    try {
      alb = await handler({ ...events.albSingleValue(), path: "/v1/whoami", queryStringParameters: { remember: "1" } }, lambdaContext("alb-lambda-id"));
    } finally {
      process.stderr.write = write;
    }
    assert.equal(jsonOf(alb)["requestId"], "alb-lambda-id");
    assert.ok("statusDescription" in alb && "headers" in alb && alb.headers);
    assert.equal(alb.statusDescription, "200 OK");
    assert.match(String(alb.headers["set-cookie"]), /^fleet_seen=1;/);
    assert.deepEqual(written.map((line) => JSON.parse(line).droppedCookies), [1]);
  });

  it("GET /v1/pixel.png comes back base64-encoded, byte for byte a PNG", async () => {
    const response = await handler({ ...events.functionUrl(), rawPath: "/v1/pixel.png" }, lambdaContext());
    assert.ok("body" in response && typeof response.body === "string");
    assert.equal(response.isBase64Encoded, true);
    const png = Buffer.from(response.body, "base64");
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it("the adapter adds the security headers itself, and a route's own value for one of them wins (defaultHeaders)", async () => {
    const pixel = await handler({ ...events.functionUrl(), rawPath: "/v1/pixel.png" }, lambdaContext());
    assert.ok("headers" in pixel && pixel.headers);
    assert.equal(pixel.headers["cache-control"], "public, max-age=86400, immutable");
    const health = await handler({ ...events.restV1(), path: "/health" }, lambdaContext());
    assert.ok("headers" in health && health.headers && "multiValueHeaders" in health);
    assert.equal(health.headers["cache-control"], "no-store");
    assert.equal(health.headers["content-security-policy"], apiContentSecurityPolicy);
    assert.deepEqual(health.multiValueHeaders, {}, "no header is sent twice (route value and default)");
    for (const response of [pixel, health]) {
      for (const [name, value] of Object.entries(alwaysHeaders)) assert.equal(response.headers?.[name], value, name);
    }
  });

  it("an unknown path is the app's 404 problem+json, not an adapter error", async () => {
    const response = await handler({ ...events.httpV2(), rawPath: "/nope" }, lambdaContext());
    assert.ok("statusCode" in response && "headers" in response && response.headers);
    assert.equal(response.statusCode, 404);
    assert.match(String(response.headers["content-type"]), /^application\/problem\+json/);
  });
});
