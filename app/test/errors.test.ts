import assert from "node:assert/strict";
import request from "supertest";
import * as z from "zod/mini";
import { createApp } from "..";
import { JsonLogger } from "fleet/middleware";
import { jsonBodyLimitBytes } from "../middleware/json-body";
import { defineRoute } from "../routes/define-route";
import { captureLogs, rawRequest, testConfig, testHandler } from "./support";

/** Asserts the common problem+json shape and returns the body. */
function assertProblem(res: request.Response, status: number): Record<string, unknown> {
  assert.equal(res.status, status);
  assert.equal(res.headers["content-type"], "application/problem+json");
  const body = JSON.parse(res.text) as Record<string, unknown>;
  assert.equal(body.status, status);
  assert.equal(typeof body.type, "string");
  assert.equal(typeof body.title, "string");
  assert.equal(typeof body.detail, "string");
  assert.equal(body.requestId, res.headers["x-request-id"]);
  return body;
}

/** Routes that only exist in these tests: never shipped. */
const failingRoutes = {
  name: "test-failures",
  routes: [
    defineRoute({
      method: "GET",
      path: "/test/boom",
      operationId: "testBoom",
      summary: "throws an unexpected error",
      tag: "test",
      responses: { 200: { description: "never" } },
      handler(ctx) {
        ctx.set("set-cookie", "leak=1");
        ctx.set("cache-control", "public, max-age=600");
        throw new Error("database password is hunter2 at /srv/app/secret.ts:12");
      },
    }),
    defineRoute({
      method: "GET",
      path: "/test/server-http-error",
      operationId: "testServerHttpError",
      summary: "throws a 503 http error with an internal message",
      tag: "test",
      responses: { 200: { description: "never" } },
      handler(ctx) {
        ctx.throw(503, "upstream 10.0.0.5 refused");
      },
    }),
  ],
};

describe("error responses", () => {
  const app = testHandler();

  describe("400 validation", () => {
    it("lists every bad body field with its path", async () => {
      const res = await request(app)
        .post("/v1/echo")
        .send({ message: "", tags: ["ok", "", 3, "x".repeat(33)], extra: true });
      const body = assertProblem(res, 400);
      assert.equal(body.type, "https://fleet.example/problems/invalid-request");
      const errors = body.errors as { path: string; message: string }[];
      assert.deepEqual(errors.map((e) => e.path), ["body.message", "body.tags[1]", "body.tags[2]", "body.tags[3]", "body.extra"]);
      for (const error of errors) assert.ok(error.message.length > 0 && error.message !== "Invalid input", error.message);
      assert.match(errors[0]!.message, />=1 characters/);
      assert.match(errors[2]!.message, /expected string, received number/);
      assert.equal(errors[4]!.message, "Unknown field");
    });

    it("words the messages in English even when no other module installed zod's locale first", async () => {
      z.config({ localeError: undefined });
      const fresh = testHandler();
      const res = await request(fresh).post("/v1/echo").send({ message: "" });
      const errors = assertProblem(res, 400).errors as { message: string }[];
      assert.match(errors[0]!.message, /^Too small: expected string to have >=1 characters$/);
    });

    it("names a missing required field and a too-long tags list", async () => {
      const res = await request(app).post("/v1/echo").send({ tags: Array.from({ length: 11 }, () => "t") });
      const errors = assertProblem(res, 400).errors as { path: string }[];
      assert.deepEqual(errors.map((e) => e.path).sort(), ["body.message", "body.tags"]);
    });

    it("rejects a body that is JSON but not an object", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "application/json").send("[1,2]");
      assert.deepEqual((assertProblem(res, 400).errors as { path: string }[]).map((e) => e.path), ["body"]);
    });

    it("names query.lang", async () => {
      const res = await request(app).get("/v1/greetings/Ada?lang=es");
      const errors = assertProblem(res, 400).errors as { path: string; message: string }[];
      assert.equal(errors.length, 1);
      assert.equal(errors[0]!.path, "query.lang");
      assert.match(errors[0]!.message, /"en"\|"fr"\|"de"/);
    });

    it("names params.name when it is longer than 64 characters", async () => {
      const res = await request(app).get(`/v1/greetings/${"n".repeat(65)}`);
      const errors = assertProblem(res, 400).errors as { path: string }[];
      assert.deepEqual(errors.map((e) => e.path), ["params.name"]);
    });

    it("accepts a name of exactly 64 characters", async () => {
      await request(app).get(`/v1/greetings/${"n".repeat(64)}`).expect(200);
    });
  });

  describe("400 malformed JSON", () => {
    it("rejects a body that does not parse", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "application/json").send('{"message": ');
      const body = assertProblem(res, 400);
      assert.match(String(body.detail), /not valid JSON/);
      assert.equal(body.errors, undefined);
    });

    it("rejects an empty body", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "application/json").send("");
      assert.match(String(assertProblem(res, 400).detail), /empty/);
    });

    it("rejects bytes that are not UTF-8", async () => {
      const res = await rawRequest(app, {
        method: "POST",
        path: "/v1/echo",
        headers: { "content-type": "application/json" },
        chunks: [Buffer.from('{"message":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')],
      });
      assert.equal(res.status, 400);
      assert.equal(res.headers["content-type"], "application/problem+json");
      assert.match(JSON.parse(res.text).detail, /UTF-8/);
    });
  });

  describe("415 unsupported media type", () => {
    it("rejects a text/plain body on a JSON route", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "text/plain").send('{"message":"x"}');
      const body = assertProblem(res, 415);
      assert.match(String(body.detail), /application\/json/);
    });

    it("rejects a JSON route called with no body and no content type", async () => {
      assertProblem(await request(app).post("/v1/echo"), 415);
    });

    it("rejects JSON in another charset", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "application/json; charset=latin1").send('{"message":"x"}');
      assert.match(String(assertProblem(res, 415).detail), /UTF-8/);
    });
  });

  describe("413 content too large", () => {
    const tooLarge = JSON.stringify({ message: "x".repeat(jsonBodyLimitBytes) });

    it("exports a 64 KiB limit", () => {
      assert.equal(jsonBodyLimitBytes, 65536);
    });

    it("rejects a body whose Content-Length is over the limit", async () => {
      const res = await request(app).post("/v1/echo").set("content-type", "application/json").send(tooLarge);
      const body = assertProblem(res, 413);
      assert.match(String(body.detail), /65536 bytes/);
    });

    it("rejects a chunked body once it passes the limit", async () => {
      // supertest always sends Content-Length; a raw chunked request exercises the streaming check.
      const chunks: string[] = [];
      for (let i = 0; i < tooLarge.length; i += 4096) chunks.push(tooLarge.slice(i, i + 4096));
      const res = await rawRequest(app, {
        method: "POST",
        path: "/v1/echo",
        headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        chunks,
      });
      assert.equal(res.status, 413);
      assert.equal(res.headers["content-type"], "application/problem+json");
      assert.equal(JSON.parse(res.text).status, 413);
    });

    it("accepts a body just under the limit (then validates it)", async () => {
      const body = JSON.stringify({ message: "x".repeat(jsonBodyLimitBytes - 20) });
      assert.ok(Buffer.byteLength(body) <= jsonBodyLimitBytes);
      const res = await request(app).post("/v1/echo").set("content-type", "application/json").send(body);
      assert.deepEqual((assertProblem(res, 400).errors as { path: string }[]).map((e) => e.path), ["body.message"]);
    });
  });

  describe("404, 405 and 501", () => {
    it("answers an unknown path with 404 problem+json", async () => {
      const body = assertProblem(await request(app).get("/v2/nothing"), 404);
      assert.equal(body.title, "Not Found");
      assert.match(String(body.detail), /GET \/v2\/nothing/);
    });

    it("matches paths exactly: no trailing-slash or other-case variant", async () => {
      for (const path of ["/openapi.json/", "/health/", "/HEALTH", "/v1/greetings/Ada/"]) {
        assertProblem(await request(app).get(path), 404);
      }
    });

    it("answers a known path with the wrong method with 405 and Allow", async () => {
      const res = await request(app).delete("/v1/echo");
      const body = assertProblem(res, 405);
      assert.equal(res.headers.allow, "POST");
      assert.match(String(body.detail), /DELETE is not allowed on \/v1\/echo; allowed: POST/);
    });

    it("lists HEAD and GET in Allow for a GET route", async () => {
      const res = await request(app).put("/v1/greetings/Ada");
      assertProblem(res, 405);
      assert.deepEqual(String(res.headers.allow).split(", ").sort(), ["GET", "HEAD"]);
    });

    it("answers a method the router does not implement with 501", async () => {
      const res = await request(app).search("/health");
      assertProblem(res, 501);
    });
  });

  describe("500 unexpected", () => {
    it("hides the error, gives the request id and drops the failed route's headers", async () => {
      const app500 = testHandler({ extraResources: [failingRoutes] });
      const res = await request(app500).get("/test/boom");
      const body = assertProblem(res, 500);
      assert.equal(body.title, "Internal Server Error");
      assert.ok(String(body.detail).includes(String(res.headers["x-request-id"])));
      assert.doesNotMatch(res.text, /hunter2|secret\.ts|at |Error:/);
      assert.equal(res.headers["set-cookie"], undefined);
      assert.equal(res.headers["cache-control"], "no-store");
      assert.equal(res.headers["x-content-type-options"], "nosniff");
    });

    it("does not show the message of a 5xx http error", async () => {
      const app500 = testHandler({ extraResources: [failingRoutes] });
      const res = await request(app500).get("/test/server-http-error");
      const body = assertProblem(res, 503);
      assert.equal(body.detail, "Service Unavailable");
      assert.doesNotMatch(res.text, /10\.0\.0\.5/);
    });

    it("logs the unexpected error with its request id through app.on('error')", async () => {
      const logger = new JsonLogger({ service: "fleet-test", level: "info" });
      const app500 = createApp({ config: testConfig, logger, extraResources: [failingRoutes] }).callback();
      const { result: res, lines } = await captureLogs(() => request(app500).get("/test/boom"));
      const errorLine = lines.find((l) => l.level === "ERROR");
      assert.ok(errorLine, JSON.stringify(lines));
      assert.equal(errorLine.message, "unexpected error");
      assert.equal(errorLine.requestId, res.headers["x-request-id"]);
      assert.match(JSON.stringify(errorLine.error), /hunter2/, "the log keeps what the response hides");
    });

    it("does not ship the test routes", async () => {
      assertProblem(await request(app).get("/test/boom"), 404);
    });
  });

  describe("security headers", () => {
    const expected = {
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "strict-transport-security": "max-age=63072000; includeSubDomains",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    };
    const cases: [string, () => request.Test][] = [
      ["a JSON success", () => request(app).get("/health")],
      ["a 400", () => request(app).get("/v1/greetings/Ada?lang=zz")],
      ["a 404", () => request(app).get("/missing")],
      ["a 405", () => request(app).post("/health")],
      ["a 413", () => request(app).post("/v1/echo").set("content-type", "application/json").send("x".repeat(70000))],
      ["a 500", () => request(testHandler({ extraResources: [failingRoutes] })).get("/test/boom")],
    ];
    for (const [what, send] of cases) {
      it(`are on ${what}`, async () => {
        const res = await send();
        for (const [name, value] of Object.entries(expected)) assert.equal(res.headers[name], value, name);
        assert.equal(res.headers["cache-control"], "no-store");
        assert.equal(res.headers["x-powered-by"], undefined);
        assert.ok(res.headers["x-request-id"]);
      });
    }
  });
});
