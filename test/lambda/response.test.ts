import assert from "node:assert/strict";
import { Readable } from "node:stream";
import Koa from "koa";
import { createHandler } from "../../lambda/create-handler";
import type { LambdaResult, LogEntry } from "../../lambda/processors/event-processor";
import { lambdaContext } from "../helpers/aws-events";
import { events, everyKind, fleetIdentity, withMethod } from "./events";

/** An app that answers every request through `respond`. */
function appAnswering(respond: (ctx: Koa.Context) => void): Koa {
  const app = new Koa();
  app.use(async (ctx) => respond(ctx));
  return app;
}

async function answer(event: unknown, respond: (ctx: Koa.Context) => void, log?: (entry: LogEntry) => void): Promise<LambdaResult> {
  return createHandler(appAnswering(respond), { log: log ?? (() => undefined) })(event, lambdaContext("lambda-id"));
}

function bodyOf(response: LambdaResult): { body: string; isBase64Encoded: boolean } {
  assert.ok("body" in response && typeof response.body === "string");
  assert.ok("isBase64Encoded" in response && typeof response.isBase64Encoded === "boolean");
  return { body: response.body, isBase64Encoded: response.isBase64Encoded };
}

const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);

describe("Lambda handler: responses", () => {
  describe("body encoding", () => {
    const binaryTypes = ["image/png", "application/octet-stream", "application/pdf", "audio/mpeg", "video/mp4", "font/woff2", "application/zip"];
    const textTypes = [
      "text/plain; charset=utf-8",
      "text/html",
      "text/css",
      "application/json",
      "application/json; charset=utf-8",
      "application/problem+json",
      "application/xml",
      "application/atom+xml",
      "image/svg+xml",
      "application/javascript",
      "text/javascript",
    ];

    for (const { kind, build } of everyKind) {
      it(`${kind}: base64-encodes binary media types byte for byte`, async () => {
        for (const type of binaryTypes) {
          const response = await answer(build(), (ctx) => {
            ctx.type = type;
            ctx.body = bytes;
          });
          assert.deepEqual(bodyOf(response), { body: bytes.toString("base64"), isBase64Encoded: true }, type);
        }
      });

      it(`${kind}: sends text, JSON, XML, JS and problem+json as plain strings`, async () => {
        for (const type of textTypes) {
          const response = await answer(build(), (ctx) => {
            ctx.body = "{\"ünïcode\": \"✓\"}";
            ctx.type = type;
          });
          assert.deepEqual(bodyOf(response), { body: "{\"ünïcode\": \"✓\"}", isBase64Encoded: false }, type);
        }
      });

      it(`${kind}: base64-encodes any body with a content-encoding (gzip, br), even JSON`, async () => {
        for (const encoding of ["gzip", "br", "deflate"]) {
          const response = await answer(build(), (ctx) => {
            ctx.type = "application/json";
            ctx.set("Content-Encoding", encoding);
            ctx.body = bytes;
          });
          assert.deepEqual(bodyOf(response), { body: bytes.toString("base64"), isBase64Encoded: true }, encoding);
        }
      });
    }

    it("base64-encodes a streamed body with no content type, and sends an empty body as ''", async () => {
      const streamed = await answer(events.httpV2(), (ctx) => {
        ctx.body = Readable.from([bytes.subarray(0, 4), bytes.subarray(4)]);
        ctx.remove("Content-Type");
      });
      assert.deepEqual(bodyOf(streamed), { body: bytes.toString("base64"), isBase64Encoded: true });
      const empty = await answer(events.httpV2(), (ctx) => {
        ctx.status = 204;
      });
      assert.deepEqual(bodyOf(empty), { body: "", isBase64Encoded: false });
    });
  });

  it("keeps every byte when the app sets Transfer-Encoding: chunked (serverless-http mangled such bodies)", async () => {
    const response = await answer(events.httpV2(), (ctx) => {
      ctx.set("Transfer-Encoding", "chunked");
      ctx.type = "application/octet-stream";
      ctx.body = bytes;
    });
    assert.deepEqual(bodyOf(response), { body: bytes.toString("base64"), isBase64Encoded: true });
    assert.ok("headers" in response && response.headers);
    assert.equal(response.headers["transfer-encoding"], undefined);
  });

  it("carries headers the app passes to res.writeHead directly", async () => {
    const response = await answer(events.restV1(), (ctx) => {
      ctx.respond = false;
      ctx.res.writeHead(202, { "content-type": "text/plain", "x-a": "1", "x-b": ["2", "3"] });
      ctx.res.end("raw");
    });
    assert.deepEqual(response, {
      statusCode: 202,
      headers: { "content-type": "text/plain", "x-a": "1", ...fleetIdentity },
      multiValueHeaders: { "x-b": ["2", "3"] },
      body: "raw",
      isBase64Encoded: false,
    });
  });

  describe("HEAD", () => {
    /** A response's header as the front door sends it, from whichever map the format uses. */
    function headerOf(response: LambdaResult, name: string): string | undefined {
      const r = response as { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
      return r.headers?.[name] ?? r.multiValueHeaders?.[name]?.join(", ");
    }

    for (const { kind, build } of everyKind) {
      it(`${kind}: answers HEAD with the content-length GET sends and no body (RFC 9110 §9.3.2), not 0`, async () => {
        for (const [label, body] of [["JSON", { greeting: "grüß dich" }], ["text", "plain text"], ["bytes", bytes]] as const) {
          const respond = (ctx: Koa.Context) => {
            ctx.body = body;
          };
          const get = await answer(build(), respond);
          const head = await answer(withMethod(build(), "HEAD"), respond);
          const length = headerOf(get, "content-length");
          assert.ok(length !== undefined && Number(length) > 0, `GET's content-length: ${length}`);
          assert.equal(headerOf(head, "content-length"), length, label);
          assert.equal(headerOf(head, "content-type"), headerOf(get, "content-type"));
          assert.equal(bodyOf(head).body, "");
        }
      });
    }
  });

  describe("headers and cookies", () => {
    for (const { kind, build } of everyKind) {
      it(`${kind}: response headers named __proto__, constructor and toString are sent as headers, nothing else appears`, async () => {
        const response = await answer(build(), (ctx) => {
          ctx.set("__proto__", "p");
          ctx.set("constructor", "c");
          ctx.append("toString", ["t1", "t2"]);
          ctx.body = "ok";
        });
        // What Lambda's runtime sends the front door: JSON, where `__proto__` survives only as an own property.
        const sent = JSON.parse(JSON.stringify(response)) as { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
        const headers = new Map<string, string>();
        for (const [name, value] of Object.entries(sent.headers ?? {})) headers.set(name, value);
        for (const [name, values] of Object.entries(sent.multiValueHeaders ?? {})) headers.set(name, values.join(", "));
        assert.equal(headers.get("__proto__"), "p");
        assert.equal(headers.get("constructor"), "c");
        assert.equal(headers.get("tostring"), "t1, t2");
        assert.deepEqual([...headers.keys()].sort(), ["__proto__", "constructor", "content-length", "content-type", "tostring", "x-fleet-region", "x-fleet-release"]);
      });
    }

    const cookies = ["a=1; Path=/; HttpOnly", "b=2; Path=/; Secure"];
    function respond(ctx: Koa.Context): void {
      ctx.status = 201;
      ctx.append("Set-Cookie", cookies);
      ctx.append("X-Multi", ["one", "two"]);
      ctx.set("X-Single", "only");
      ctx.body = "made";
    }
    const single = { "content-type": "text/plain; charset=utf-8", "content-length": "4", "x-single": "only", ...fleetIdentity };

    it("REST v1 and HTTP API 1.0: repeated headers (every Set-Cookie) in multiValueHeaders, single ones in headers, none in both", async () => {
      for (const event of [events.restV1(), events.httpV1()]) {
        assert.deepEqual(await answer(event, respond), {
          statusCode: 201,
          headers: single,
          multiValueHeaders: { "set-cookie": cookies, "x-multi": ["one", "two"] },
          body: "made",
          isBase64Encoded: false,
        });
      }
    });

    it("HTTP API v2 and Function URL: every Set-Cookie in cookies[], repeated headers joined with ', '", async () => {
      for (const event of [events.httpV2(), events.functionUrl()]) {
        assert.deepEqual(await answer(event, respond), {
          statusCode: 201,
          headers: { ...single, "x-multi": "one, two" },
          cookies,
          body: "made",
          isBase64Encoded: false,
        });
      }
    });

    it("ALB multi-value: every value once in multiValueHeaders and no headers map (serverless-http duplicated them)", async () => {
      assert.deepEqual(await answer(events.albMultiValue(), respond), {
        statusCode: 201,
        statusDescription: "201 Created",
        multiValueHeaders: {
          "content-type": ["text/plain; charset=utf-8"],
          "content-length": ["4"],
          "x-single": ["only"],
          "set-cookie": cookies,
          "x-multi": ["one", "two"],
          "x-fleet-release": [fleetIdentity["x-fleet-release"]],
          "x-fleet-region": [fleetIdentity["x-fleet-region"]],
        },
        body: "made",
        isBase64Encoded: false,
      });
    });

    it("ALB single-value: keeps the first Set-Cookie and logs one warning naming how many were dropped", async () => {
      const logs: LogEntry[] = [];
      const response = await answer(events.albSingleValue(), respond, (entry) => logs.push(entry));
      assert.deepEqual(response, {
        statusCode: 201,
        statusDescription: "201 Created",
        headers: { ...single, "x-multi": "one, two", "set-cookie": cookies[0] },
        body: "made",
        isBase64Encoded: false,
      });
      assert.equal(logs.length, 1);
      assert.equal(logs[0]?.level, "WARN");
      assert.equal(logs[0]?.["droppedCookies"], 1);
      assert.equal(logs[0]?.["requestId"], "lambda-id");
    });

    it("ALB single-value: one Set-Cookie passes without a warning", async () => {
      const logs: LogEntry[] = [];
      const response = await answer(events.albSingleValue(), (ctx) => {
        ctx.set("Set-Cookie", "only=1");
        ctx.body = "x";
      }, (entry) => logs.push(entry));
      assert.ok("headers" in response);
      assert.equal(response.headers?.["set-cookie"], "only=1");
      assert.deepEqual(logs, []);
    });

    it("writes the warning as one JSON line on stderr by default", async () => {
      const written: string[] = [];
      const write = process.stderr.write;
      process.stderr.write = (chunk: string | Uint8Array): boolean => {
        written.push(String(chunk));
        return true;
      };
      try {
        await createHandler(appAnswering(respond))(events.albSingleValue(), lambdaContext("lambda-id"));
      } finally {
        process.stderr.write = write;
      }
      assert.equal(written.length, 1);
      assert.ok(written[0]?.endsWith("\n") && !written[0].slice(0, -1).includes("\n"));
      const entry = JSON.parse(written[0]!);
      assert.equal(entry.level, "WARN");
      assert.equal(entry.droppedCookies, 1);
    });

    it("ALB: statusDescription is the status line text", async () => {
      for (const [status, description] of [[200, "200 OK"], [404, "404 Not Found"], [503, "503 Service Unavailable"], [599, "599 Unknown"]] as const) {
        const response = await answer(events.albMultiValue(), (ctx) => {
          ctx.status = status;
        });
        assert.ok("statusDescription" in response);
        assert.equal(response.statusDescription, description);
      }
    });
  });
});
