import assert from "node:assert/strict";
import { createHandler, type HandlerOptions } from "../../lambda/create-handler";
import type { LambdaResult } from "../../lambda/processors/event-processor";
import { lambdaContext } from "../helpers/aws-events";
import { type Echo, createEchoApp } from "./echo-app";
import { deepFreeze, type EventObject, events, everyKind, withBody, withPath } from "./events";

/** Runs one event through a handler over the echo app and returns what Koa saw. */
async function echoOf(event: unknown, options?: HandlerOptions): Promise<Echo> {
  const response = await createHandler(createEchoApp().app, options)(event, lambdaContext());
  return echoBody(response);
}

function echoBody(response: LambdaResult): Echo {
  assert.ok(typeof response === "object" && "statusCode" in response && "body" in response && typeof response.body === "string");
  assert.equal(response.statusCode, 200, response.body);
  return JSON.parse(response.body);
}

describe("Lambda handler: requests", () => {
  describe("base path", () => {
    for (const { kind, build } of everyKind) {
      it(`${kind}: strips the configured base path only as a whole leading segment`, async () => {
        const options = { basePath: "/api" };
        assert.equal((await echoOf(withPath(build(), "/api/x/y"), options)).path, "/x/y");
        assert.equal((await echoOf(withPath(build(), "/api"), options)).path, "/");
        assert.equal((await echoOf(withPath(build(), "/api/"), options)).path, "/");
        assert.equal((await echoOf(withPath(build(), "/apiary"), options)).path, "/apiary");
        assert.equal((await echoOf(withPath(build(), "/v1/api/x"), options)).path, "/v1/api/x", "serverless-http would strip /api from the middle");
      });
    }

    it("accepts a base path written without the leading slash or with a trailing one", async () => {
      assert.equal((await echoOf(withPath(events.restV1(), "/api/x"), { basePath: "api/" })).path, "/x");
      assert.equal((await echoOf(withPath(events.restV1(), "/api/x"), { basePath: "/" })).path, "/api/x");
      assert.equal((await echoOf(withPath(events.restV1(), "/api/x"), { basePath: "" })).path, "/api/x");
    });
  });

  describe("stage in the path", () => {
    function staged(stage: string, rawPath: string): EventObject {
      const event = events.httpV2();
      return { ...event, rawPath, requestContext: { ...event.requestContext, stage } };
    }

    it("HTTP API v2: strips a named stage from rawPath, as a whole segment only", async () => {
      assert.equal((await echoOf(staged("beta", "/beta/items"))).path, "/items");
      assert.equal((await echoOf(staged("beta", "/beta"))).path, "/");
      assert.equal((await echoOf(staged("beta", "/betamax/items"))).path, "/betamax/items");
      assert.equal((await echoOf(staged("beta", "/items/beta"))).path, "/items/beta");
    });

    it("HTTP API v2: leaves rawPath alone on the $default stage", async () => {
      assert.equal((await echoOf(staged("$default", "/$default/items"))).path, "/$default/items");
    });

    it("strips the stage, then the base path", async () => {
      assert.equal((await echoOf(staged("beta", "/beta/api/items"), { basePath: "/api" })).path, "/items");
    });

    it("Function URL: never strips a stage (it has none)", async () => {
      const event = events.functionUrl();
      const echo = await echoOf({ ...event, rawPath: "/beta/items", requestContext: { ...event.requestContext, stage: "beta" } });
      assert.equal(echo.path, "/beta/items");
      assert.equal(echo.lambda?.kind, "function-url");
    });

    it("HTTP API payload 1.0: strips a named stage from `path`, as a whole segment only (serverless-http#143's event)", async () => {
      const staged1 = (stage: string, path: string) => {
        const event = events.httpV1();
        return { ...event, path, requestContext: { ...event.requestContext, stage } };
      };
      assert.equal((await echoOf(staged1("dev", "/dev/test"))).path, "/test");
      assert.equal((await echoOf(staged1("dev", "/dev"))).path, "/");
      assert.equal((await echoOf(staged1("dev", "/devices/1"))).path, "/devices/1");
      assert.equal((await echoOf(staged1("dev", "/items/dev"))).path, "/items/dev");
      assert.equal((await echoOf(staged1("$default", "/$default/x"))).path, "/$default/x");
      assert.equal((await echoOf(staged1("dev", "/dev/api/items"), { basePath: "/api" })).path, "/items");
    });

    it("REST v1: never strips the stage from `path`, even when `path` starts with it", async () => {
      const event = events.restV1();
      const echo = await echoOf({ ...event, path: "/prod/items", requestContext: { ...event.requestContext, stage: "prod" } });
      assert.equal(echo.path, "/prod/items");
    });

    it("REST v1: uses `path`, never requestContext.path (which holds the stage)", async () => {
      const event = events.restV1();
      const echo = await echoOf({ ...event, path: "/items", requestContext: { ...event.requestContext, path: "/prod/items" } });
      assert.equal(echo.path, "/items");
    });
  });

  describe("path encoding", () => {
    for (const { kind, build } of everyKind) {
      it(`${kind}: keeps percent-encoding as delivered and encodes what a path cannot hold`, async () => {
        assert.equal((await echoOf(withPath(build(), "/a%2Fb/%E2%82%AC"))).path, "/a%2Fb/%E2%82%AC");
        assert.equal((await echoOf(withPath(build(), "/a b/€"))).path, "/a%20b/%E2%82%AC");
        assert.equal((await echoOf(withPath(build(), "/what?#"))).path, "/what%3F%23");
      });
    }
  });

  describe("query strings", () => {
    it("HTTP API v2 and Function URL: pass rawQueryString verbatim", async () => {
      const raw = "a=1&a=2&b=%20x+y&c[]=%2F&d";
      assert.equal((await echoOf({ ...events.httpV2(), rawQueryString: raw })).query, raw);
      assert.equal((await echoOf({ ...events.functionUrl(), rawQueryString: raw })).query, raw);
    });

    it("REST v1: builds the query from multiValueQueryStringParameters, percent-encoding the decoded values", async () => {
      const event = {
        ...events.restV1(),
        queryStringParameters: { q: "a b", tag: "y" },
        multiValueQueryStringParameters: { q: ["a b"], tag: ["x&y=z", "y"], "ü k": ["€/+"] },
      };
      assert.equal((await echoOf(event)).query, "q=a%20b&tag=x%26y%3Dz&tag=y&%C3%BC%20k=%E2%82%AC%2F%2B");
    });

    it("REST v1: falls back to queryStringParameters when the multi-value map is null", async () => {
      const event = { ...events.restV1(), queryStringParameters: { q: "a b" }, multiValueQueryStringParameters: null };
      assert.equal((await echoOf(event)).query, "q=a%20b");
    });

    it("ALB: passes still-encoded values through, neither decoded nor encoded again", async () => {
      const multi = { ...events.albMultiValue(), multiValueQueryStringParameters: { q: ["a%2Bb", "c+d"], "k%20ey": ["%3Fx%3D1"] } };
      assert.equal((await echoOf(multi)).query, "q=a%2Bb&q=c+d&k%20ey=%3Fx%3D1");
      const single = { ...events.albSingleValue(), queryStringParameters: { q: "a%2Bb", r: "c+d" } };
      assert.equal((await echoOf(single)).query, "q=a%2Bb&r=c+d");
    });
  });

  describe("headers and cookies", () => {
    it("REST v1: keeps every value of a repeated header, joined with ', '", async () => {
      const event = { ...events.restV1(), headers: { Accept: "b" }, multiValueHeaders: { Accept: ["a", "b"], "X-Trace": ["1", "2", "3"] } };
      const echo = await echoOf(event);
      assert.equal(echo.headers["accept"], "a, b");
      assert.equal(echo.headers["x-trace"], "1, 2, 3");
    });

    it("REST v1 and ALB: joins repeated Cookie headers with '; ', not ', '", async () => {
      const rest = { ...events.restV1(), headers: { Cookie: "b=2" }, multiValueHeaders: { Cookie: ["a=1", "b=2"] } };
      assert.equal((await echoOf(rest)).headers["cookie"], "a=1; b=2");
      const alb = { ...events.albMultiValue(), multiValueHeaders: { cookie: ["a=1", "b=2"], "x-forwarded-for": ["1.1.1.1"] } };
      assert.equal((await echoOf(alb)).headers["cookie"], "a=1; b=2");
    });

    it("REST v1: merges header names that differ only in case", async () => {
      const event = { ...events.restV1(), headers: null, multiValueHeaders: { "X-A": ["1"], "x-a": ["2"] } };
      assert.equal((await echoOf(event)).headers["x-a"], "1, 2");
    });

    it("REST v1 and ALB: keeps headers present only in `headers`, multiValueHeaders winning per name (AWS's merge rule)", async () => {
      const both = { headers: { "X-Only-Single": "s", Accept: "last", "x-case": "single" }, multiValueHeaders: { Accept: ["first", "last"], "X-Case": ["multi"] } };
      for (const event of [{ ...events.restV1(), ...both }, { ...events.albMultiValue(), ...both }]) {
        const echo = await echoOf(event);
        assert.equal(echo.headers["x-only-single"], "s");
        assert.equal(echo.headers["accept"], "first, last");
        assert.equal(echo.headers["x-case"], "multi");
      }
      // An empty multiValueHeaders, as some producers send, drops nothing.
      const empty = await echoOf({ ...events.restV1(), headers: { "x-only-single": "s" }, multiValueHeaders: {} });
      assert.equal(empty.headers["x-only-single"], "s");
    });

    for (const { kind, build } of everyKind) {
      it(`${kind}: headers named constructor, __proto__, toString reach the app as headers, and no other name appears`, async () => {
        const hostile = JSON.parse('{"constructor":"c","__proto__":"p","toString":"t","x-a":"1"}') as Record<string, string>;
        const multi = JSON.parse('{"constructor":["c"],"__proto__":["p"],"toString":["t"],"x-a":["1"]}') as Record<string, string[]>;
        const base = build();
        const event = base.version === "2.0" || !("multiValueHeaders" in base) || base.multiValueHeaders === undefined
          ? { ...base, headers: hostile }
          : { ...base, headers: hostile, multiValueHeaders: multi };
        let seen: Record<string, unknown> = {};
        const { app } = createEchoApp((ctx) => {
          seen = { inherits: "valueOf" in ctx.headers, keys: Object.keys(ctx.headers).sort(), own: Object.getOwnPropertyDescriptor(ctx.headers, "__proto__")?.value, missing: ctx.get("hasOwnProperty") };
        });
        const response = await createHandler(app)(event, lambdaContext());
        assert.equal((response as { statusCode: number }).statusCode, 200);
        assert.deepEqual(seen, { inherits: false, keys: ["__proto__", "constructor", "content-length", "tostring", "x-a"], own: "p", missing: "" });
      });
    }

    it("HTTP API v2: turns cookies[] into one Cookie header joined with '; '", async () => {
      const event = { ...events.httpV2(), cookies: ["a=1", "b=x%3By", "c=3"] };
      assert.equal((await echoOf(event)).headers["cookie"], "a=1; b=x%3By; c=3");
    });

    it("Function URL: does not double cookies sent both in cookies[] and in a cookie header", async () => {
      const event = events.functionUrl();
      const echo = await echoOf({ ...event, cookies: ["a=1", "b=2"], headers: { ...event.headers, cookie: "a=1; b=2" } });
      assert.equal(echo.headers["cookie"], "a=1; b=2");
    });

    it("sets content-length to the body it delivers, whatever the event's header said", async () => {
      const event = { ...events.httpV2(), headers: { "content-length": "41", "transfer-encoding": "chunked" }, body: "abc" };
      const echo = await echoOf(event);
      assert.equal(echo.headers["content-length"], "3");
      assert.equal(echo.headers["transfer-encoding"], undefined);
    });

    it("never invents an x-request-id request header (serverless-http's default)", async () => {
      assert.equal((await echoOf(events.httpV2())).headers["x-request-id"], undefined);
    });
  });

  describe("bodies", () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255, 0x7f, 0x80]);

    for (const { kind, build } of everyKind) {
      it(`${kind}: decodes a base64 body to its exact bytes`, async () => {
        const echo = await echoOf(withBody(build(), bytes.toString("base64"), true));
        assert.equal(echo.bodyBase64, bytes.toString("base64"));
        assert.equal(echo.headers["content-length"], String(bytes.length));
      });

      it(`${kind}: passes a text body as UTF-8`, async () => {
        const echo = await echoOf(withBody(build(), "héllo ✓", false));
        assert.equal(Buffer.from(echo.bodyBase64, "base64").toString("utf8"), "héllo ✓");
      });
    }

    it("decodes a 3.4 MB base64 body exactly (a strict regex overflowed V8's stack past ~3.36 MB: 500)", async () => {
      const big = Buffer.alloc(3_400_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
      for (const build of [events.restV1, events.httpV2]) {
        const echo = await echoOf(withBody(build(), big.toString("base64"), true));
        assert.equal(echo.headers["content-length"], String(big.length));
        assert.ok(Buffer.from(echo.bodyBase64, "base64").equals(big), "the decoded body differs");
      }
    });

    const invalid: Array<[string, string]> = [
      ["a character outside the alphabet", "Zm9v!mFy"],
      ["spaces", "Zm9v YmFy"],
      ["the URL-safe alphabet", "Zm9-_w=="],
      ["a length that is not a multiple of 4", "Zm9vYmF"],
      ["padding in the middle", "Zg==Zm9v"],
      ["three padding characters", "Z==="],
      ["a plain sentence", "Hello from Lambda!"],
    ];
    for (const { kind, build } of everyKind) {
      it(`${kind}: answers 400 problem+json for a body flagged base64 that is not (${invalid.length} cases), never calling Koa`, async () => {
        for (const [what, body] of invalid) {
          const { app, seen } = createEchoApp();
          const response = await createHandler(app, { log: () => undefined })(withBody(build(), body, true), lambdaContext("req-400"));
          assert.ok("body" in response && typeof response.body === "string" && "statusCode" in response);
          assert.equal(response.statusCode, 400, what);
          const problem = JSON.parse(response.body);
          assert.equal(problem.status, 400, what);
          assert.equal(problem.title, "Bad Request");
          assert.match(problem.detail, /base64/, what);
          assert.equal(typeof problem.type, "string");
          assert.equal(problem.requestId, build().requestContext.requestId ?? "req-400");
          assert.equal(seen.calls, 0, what);
        }
      });
    }
  });

  describe("LambdaState", () => {
    for (const { kind, build } of everyKind) {
      it(`${kind}: hands Koa the untouched, deep-frozen event and the context`, async () => {
        const event = deepFreeze(withBody(withPath(build(), "/api/x"), Buffer.from("hi").toString("base64"), true));
        const snapshot = structuredClone(event);
        const { app, seen } = createEchoApp();
        const context = lambdaContext("ctx-id");
        const response = await createHandler(app, { basePath: "/api" })(event, context);

        const echo = echoBody(response);
        assert.equal(echo.path, "/x");
        assert.equal(Buffer.from(echo.bodyBase64, "base64").toString(), "hi");
        assert.equal(seen.state?.event, event);
        assert.equal(seen.state?.context, context);
        assert.deepEqual(event, snapshot);
      });
    }

    it("requestId: requestContext.requestId for API Gateway and Function URLs, Lambda's awsRequestId for ALB", async () => {
      const context = lambdaContext("lambda-id");
      for (const { kind, build } of everyKind) {
        const event = build();
        const echo = echoBody(await createHandler(createEchoApp().app)(event, context));
        const want = kind.startsWith("alb") ? "lambda-id" : event.requestContext.requestId;
        assert.ok(typeof want === "string" && want.length > 0);
        assert.equal(echo.lambda?.requestId, want, kind);
      }
    });

    it("sourceIp: identity.sourceIp (v1), http.sourceIp (v2, Function URL), last X-Forwarded-For hop (ALB)", async () => {
      const rest = events.restV1();
      assert.equal((await echoOf({ ...rest, requestContext: { ...rest.requestContext, identity: { sourceIp: "203.0.113.1" } } })).lambda?.sourceIp, "203.0.113.1");
      const v2 = events.httpV2();
      assert.equal((await echoOf({ ...v2, requestContext: { ...v2.requestContext, http: { ...v2.requestContext.http, sourceIp: "203.0.113.2" } } })).lambda?.sourceIp, "203.0.113.2");
      const albSingle = { ...events.albSingleValue(), headers: { "x-forwarded-for": "198.51.100.9, 10.0.0.1,203.0.113.3" } };
      assert.equal((await echoOf(albSingle)).lambda?.sourceIp, "203.0.113.3");
      const albMulti = { ...events.albMultiValue(), multiValueHeaders: { "x-forwarded-for": ["198.51.100.9", "203.0.113.4"] } };
      assert.equal((await echoOf(albMulti)).lambda?.sourceIp, "203.0.113.4");
      assert.equal((await echoOf({ ...events.albSingleValue(), headers: {} })).lambda?.sourceIp, null);
    });

    it("is absent when the app runs outside Lambda (no adapter)", async () => {
      const { app } = createEchoApp();
      const server = app.listen(0, "127.0.0.1");
      try {
        await new Promise<void>((resolve) => server.once("listening", () => resolve()));
        const address = server.address();
        assert.ok(address && typeof address === "object");
        const echo = (await (await fetch(`http://127.0.0.1:${address.port}/x`)).json()) as Echo;
        assert.equal(echo.lambda, null);
      } finally {
        server.close();
      }
    });
  });
});
