import assert from "node:assert/strict";
import Koa from "koa";
import { createHandler } from "../../lambda/create-handler";
import type { LambdaResult, LogEntry } from "../../lambda/processors/event-processor";
import { lambdaContext } from "../helpers/aws-events";
import { createEchoApp } from "./echo-app";
import { events } from "./events";

/** Asserts a 500 problem+json carrying `requestId`, and returns the parsed problem. */
function assertInternalProblem(response: LambdaResult, requestId: string): Record<string, unknown> {
  assert.ok("statusCode" in response && "body" in response && typeof response.body === "string");
  assert.equal(response.statusCode, 500);
  assert.equal(response.isBase64Encoded, false);
  const headers = "headers" in response && response.headers ? response.headers : {};
  const multi = "multiValueHeaders" in response && response.multiValueHeaders ? response.multiValueHeaders : {};
  assert.equal(headers["content-type"] ?? multi["content-type"]?.[0], "application/problem+json");
  // Security headers on every response, the adapter's own included.
  assert.equal(headers["content-security-policy"] ?? multi["content-security-policy"]?.[0], "default-src 'none'; frame-ancestors 'none'");
  assert.equal(headers["x-frame-options"] ?? multi["x-frame-options"]?.[0], "DENY");
  const problem = JSON.parse(response.body);
  assert.deepEqual(
    { type: problem.type, title: problem.title, status: problem.status, requestId: problem.requestId },
    { type: "about:blank", title: "Internal Server Error", status: 500, requestId },
  );
  assert.equal(typeof problem.detail, "string");
  assert.doesNotMatch(response.body, /at .*\.ts:\d+/, "no stack in the response");
  return problem;
}

describe("Lambda handler: failures outside Koa", () => {
  const badEvents: Array<[string, unknown]> = [
    ["null", null],
    ["a string", "GET /"],
    ["an empty object", {}],
    ["payload 2.0 without requestContext.http", { version: "2.0", rawPath: "/", requestContext: {} }],
    ["REST v1 without a path", { httpMethod: "GET", requestContext: {} }],
    ["headers that are not strings", { httpMethod: "GET", path: "/", headers: { a: 1 }, requestContext: {} }],
  ];

  for (const [what, event] of badEvents) {
    it(`answers an event that is ${what} with a 500 problem+json carrying Lambda's request id, and logs why`, async () => {
      const logs: LogEntry[] = [];
      const { app, seen } = createEchoApp();
      const response = await createHandler(app, { log: (entry) => logs.push(entry) })(event, lambdaContext("lambda-500"));
      assertInternalProblem(response, "lambda-500");
      assert.equal(seen.calls, 0);
      assert.equal(logs.length, 1);
      assert.equal(logs[0]?.level, "ERROR");
      assert.equal(logs[0]?.["requestId"], "lambda-500");
    });
  }

  it("still answers 500 when the log itself throws", async () => {
    const log = (): void => {
      throw new Error("logger down");
    };
    const response = await createHandler(createEchoApp().app, { log })(null, lambdaContext("no-log"));
    assertInternalProblem(response, "no-log");
  });

  it("names the bad field in the log", async () => {
    const logs: LogEntry[] = [];
    await createHandler(createEchoApp().app, { log: (entry) => logs.push(entry) })(
      { version: "2.0", rawPath: "/", requestContext: { http: { sourceIp: "1.1.1.1" } } },
      lambdaContext(),
    );
    assert.match(JSON.stringify(logs[0]?.["error"]), /event\.requestContext\.http\.method/);
  });

  it("answers 500 instead of rejecting when reading the event throws (an event getter)", async () => {
    const event = { ...events.httpV2() };
    Object.defineProperty(event, "rawPath", { enumerable: true, get: () => { throw new Error("boom"); } });
    const response = await createHandler(createEchoApp().app, { log: () => undefined })(event, lambdaContext());
    assertInternalProblem(response, "aws-request-id-0001");
  });

  it("ALB: answers 500 in the ALB shape (statusDescription) when formatting the response throws", async () => {
    const app = new Koa();
    app.use(async (ctx) => {
      ctx.append("Set-Cookie", ["a=1", "b=2"]);
      ctx.body = "x";
    });
    const logs: LogEntry[] = [];
    // The ALB single-value warning goes through `log`; a log that throws stands in for an adapter bug after Koa ran.
    const log = (entry: LogEntry): void => {
      logs.push(entry);
      if (entry.level === "WARN") throw new Error("logger down");
    };
    const alb = await createHandler(app, { log })(events.albSingleValue(), lambdaContext("alb-id"));
    assertInternalProblem(alb, "alb-id");
    assert.ok("statusDescription" in alb);
    assert.equal(alb.statusDescription, "500 Internal Server Error");
    assert.deepEqual(logs.map((entry) => entry.level), ["WARN", "ERROR"]);
  });

  it("answers 500 in the event's shape with the event's request id when building the request throws", async () => {
    const event = events.httpV2();
    // A lone surrogate cannot be percent-encoded: encodeURIComponent throws inside the adapter.
    const response = await createHandler(createEchoApp().app, { log: () => undefined })(
      { ...event, rawPath: "/a\uD800" },
      lambdaContext(),
    );
    assertInternalProblem(response, event.requestContext.requestId);
    assert.ok("cookies" in response, "answered in the payload 2.0 shape");
  });

  it("leaves errors thrown inside Koa to Koa (its own 500), not to the adapter", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(async () => {
      throw new Error("route failed");
    });
    const logs: LogEntry[] = [];
    const response = await createHandler(app, { log: (entry) => logs.push(entry) })(events.httpV2(), lambdaContext());
    assert.ok("statusCode" in response && "body" in response);
    assert.equal(response.statusCode, 500);
    assert.equal(response.body, "Internal Server Error");
    assert.deepEqual(logs, []);
  });
});
