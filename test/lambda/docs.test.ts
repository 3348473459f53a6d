import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, unlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import vm from "node:vm";
import { gunzipSync } from "node:zlib";
import Koa from "koa";
import { writeDocsAssets } from "../../build/docs-assets";
import { createHandler, type HandlerOptions } from "../../lambda/create-handler";
import { acceptsGzip, type DocsOptions } from "../../lambda/docs/docs-answers";
import { docsContentSecurityPolicy } from "../../lambda/docs/page";
import { alwaysHeaders } from "../../lambda/middleware/security-headers";
import type { LambdaResult, LogEntry } from "../../lambda/processors/event-processor";
import { lambdaContext } from "../helpers/aws-events";
import { type EventObject, events, everyKind, fleetIdentity, withPath } from "./events";

const scalarSource = readFileSync(require.resolve("@scalar/api-reference/browser/standalone.js"));

/** A tiny app that counts its calls and answers 404 to everything, as an app without /docs would. */
function tinyApp(): { app: Koa; calls: () => number } {
  const app = new Koa();
  let calls = 0;
  app.use(async (ctx) => {
    calls += 1;
    ctx.status = 404;
    ctx.body = { from: "app", path: ctx.path };
  });
  return { app, calls: () => calls };
}

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  isBase64Encoded: boolean;
}

/** A response in one shape whatever the format: headers joined, body as bytes. */
function answerOf(result: LambdaResult): Answer {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const multi = (result as { multiValueHeaders?: Record<string, string[]> }).multiValueHeaders ?? {};
  for (const [name, values] of Object.entries(multi)) headers[name.toLowerCase()] = values.join(", ");
  const isBase64Encoded = result.isBase64Encoded === true;
  const body = Buffer.from(result.body ?? "", isBase64Encoded ? "base64" : "utf8");
  return { statusCode: result.statusCode!, headers, body, isBase64Encoded };
}

/** An event for `method path` in the event's format, with Accept-Encoding set (or removed when undefined). */
function request(build: () => EventObject, method: string, requestPath: string, acceptEncoding?: string): EventObject {
  const event = withPath(build(), requestPath);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((event.headers ?? {}) as Record<string, string>)) if (name.toLowerCase() !== "accept-encoding") headers[name] = value;
  if (acceptEncoding !== undefined) headers["accept-encoding"] = acceptEncoding;
  const updated: EventObject = { ...event, headers };
  if (event.multiValueHeaders) updated.multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  if (event.version === "2.0") updated.requestContext = { ...event.requestContext, http: { ...event.requestContext.http, method } };
  else updated.httpMethod = method;
  return updated;
}

/** Security headers every fleet answer carries, and the release/region stamp. */
function assertFleetHeaders(answer: Answer): void {
  for (const [name, value] of Object.entries(alwaysHeaders)) assert.equal(answer.headers[name], value, name);
  for (const [name, value] of Object.entries(fleetIdentity)) assert.equal(answer.headers[name], value, name);
}

describe("Lambda handler: /docs (Scalar's API reference, answered before the app)", () => {
  let tmp: string;
  let docs: DocsOptions;
  const logs: LogEntry[] = [];

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "fleet-docs-"));
    // The real build step writes the assets, so these tests read exactly what a release ships.
    const settings = await writeDocsAssets(tmp, "/openapi.json");
    assert.ok(settings);
    docs = { ...settings, assetDir: path.join(tmp, settings.assetDir) };
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => (logs.length = 0));

  function handlerWith(options: HandlerOptions = {}) {
    const { app, calls } = tinyApp();
    const handler = createHandler(app, { docs, log: (entry) => logs.push(entry), ...options });
    return { calls, send: async (event: EventObject) => answerOf(await handler(event, lambdaContext("docs-request"))) };
  }

  describe("the page", () => {
    for (const { kind, build } of everyKind) {
      it(`${kind}: GET /docs answers the HTML page with the docs CSP, no-cache and the security headers, without the app`, async () => {
        const { send, calls } = handlerWith();
        const answer = await send(request(build, "GET", "/docs"));
        assert.equal(answer.statusCode, 200);
        assert.equal(answer.headers["content-type"], "text/html; charset=utf-8");
        assert.equal(answer.headers["cache-control"], "no-cache");
        assert.equal(answer.headers["content-security-policy"], docsContentSecurityPolicy);
        assert.equal(answer.headers["content-length"], String(answer.body.length));
        assertFleetHeaders(answer);
        assert.match(answer.body.toString(), /^<!doctype html>/);
        assert.equal(calls(), 0);
      });
    }

    it("loads Scalar and init.js by URLs relative to the page, so they resolve under a stage or base path", async () => {
      const page = (await handlerWith().send(request(events.httpV2, "GET", "/docs"))).body.toString();
      const scripts = [...page.matchAll(/<script src="([^"]+)"><\/script>/g)].map((m) => m[1]);
      assert.deepEqual(scripts, [`docs/${docs.scalarFile}`, "docs/init.js"]);
      assert.doesNotMatch(page, /<script>|<style|style=|https?:\/\//, "inline script or style, or an absolute URL");
      // From https://…/dev/docs the scripts are under /dev/docs/.
      assert.equal(new URL(scripts[1]!, "https://example.com/dev/docs").pathname, "/dev/docs/init.js");
    });

    it("has a CSP that allows scripts from this origin only (no inline, no eval), fetches to it only, no framing", () => {
      const directives = new Map(docsContentSecurityPolicy.split("; ").map((d) => [d.split(" ")[0]!, d.split(" ").slice(1)]));
      assert.deepEqual(directives.get("default-src"), ["'none'"]);
      assert.deepEqual(directives.get("script-src"), ["'self'"]);
      assert.deepEqual(directives.get("connect-src"), ["'self'"]);
      assert.deepEqual(directives.get("frame-ancestors"), ["'none'"]);
      assert.deepEqual(directives.get("base-uri"), ["'none'"]);
      // Scalar's style="…" attributes need it (see lambda/docs/page.ts); it is the only 'unsafe-*' source.
      assert.deepEqual(directives.get("style-src"), ["'unsafe-inline'"]);
      assert.deepEqual([...docsContentSecurityPolicy.matchAll(/'unsafe-[a-z]+'/g)].map((m) => m[0]), ["'unsafe-inline'"]);
      assert.doesNotMatch(docsContentSecurityPolicy, /https?:|\*/, "no other origin is allowed");
    });

    it("answers the stage-prefixed REST request (path /docs, stage dev) and the HTTP API's named stage (/dev/docs)", async () => {
      const { send } = handlerWith();
      const rest = request(events.restV1, "GET", "/docs");
      rest.requestContext = { ...rest.requestContext, stage: "dev", path: "/dev/docs" };
      assert.equal((await send(rest)).headers["content-type"], "text/html; charset=utf-8");
      const http = request(events.httpV2, "GET", "/dev/docs");
      http.requestContext = { ...http.requestContext, stage: "dev" };
      assert.equal((await send(http)).headers["content-type"], "text/html; charset=utf-8");
    });

    it("answers behind a custom domain's base path (/api/docs with basePath /api)", async () => {
      const answer = await handlerWith({ basePath: "/api" }).send(request(events.httpV2, "GET", "/api/docs"));
      assert.equal(answer.headers["content-type"], "text/html; charset=utf-8");
    });
  });

  describe("init.js", () => {
    /** Runs init.js as the page at `pageUrl` would, and returns what it handed Scalar. */
    function runInit(script: string, pageUrl: string): { mountedOn: unknown; configuration: Record<string, any> } {
      const root = { id: "api-reference-root" };
      const calls: Array<[unknown, Record<string, any>]> = [];
      const sandbox = {
        URL,
        location: new URL(pageUrl),
        document: { getElementById: (id: string) => (id === root.id ? root : null) },
        Scalar: { createApiReference: (element: unknown, configuration: Record<string, any>) => calls.push([element, configuration]) },
      };
      vm.runInNewContext(script, sandbox);
      assert.equal(calls.length, 1);
      // Through JSON: objects made in the vm's realm have that realm's prototypes, which deepEqual compares.
      return { mountedOn: calls[0]![0], configuration: JSON.parse(JSON.stringify(calls[0]![1])) };
    }

    it("answers an external script (no-cache), so the page needs no inline script", async () => {
      const answer = await handlerWith().send(request(events.httpV2, "GET", "/docs/init.js"));
      assert.equal(answer.statusCode, 200);
      assert.equal(answer.headers["content-type"], "text/javascript; charset=utf-8");
      assert.equal(answer.headers["cache-control"], "no-cache");
      assertFleetHeaders(answer);
    });

    it("points Scalar at the document and every try-it call at the endpoint the page came from, REST stage kept", async () => {
      const script = (await handlerWith().send(request(events.httpV2, "GET", "/docs/init.js"))).body.toString();
      const rest = runInit(script, "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/docs");
      assert.equal(rest.configuration.url, "https://abc123.execute-api.eu-west-1.amazonaws.com/dev/openapi.json");
      assert.deepEqual(rest.configuration.servers.map((s: { url: string }) => s.url), ["https://abc123.execute-api.eu-west-1.amazonaws.com/dev"]);
      const http = runInit(script, "http://127.0.0.1:3000/docs?x=1#tag/notes");
      assert.equal(http.configuration.url, "http://127.0.0.1:3000/openapi.json");
      assert.deepEqual(http.configuration.servers.map((s: { url: string }) => s.url), ["http://127.0.0.1:3000"]);
      assert.deepEqual(rest.mountedOn, { id: "api-reference-root" });
    });

    it("turns off everything of Scalar that would leave the origin: fonts, the AI agent, the toolbar, the proxy", async () => {
      const script = (await handlerWith().send(request(events.httpV2, "GET", "/docs/init.js"))).body.toString();
      const { configuration } = runInit(script, "https://example.com/docs");
      assert.equal(configuration.withDefaultFonts, false);
      assert.deepEqual(configuration.agent, { disabled: true });
      assert.equal(configuration.showDeveloperTools, "never");
      assert.equal(configuration.telemetry, false);
      assert.equal(configuration.proxyUrl, "");
    });

    it("resolves a nested openapi path with a query under the base", async () => {
      const { send } = handlerWith({ docs: { ...docs, openapi: "/v1/openapi.json?format=json" } });
      const script = (await send(request(events.httpV2, "GET", "/docs/init.js"))).body.toString();
      assert.equal(runInit(script, "https://example.com/dev/docs").configuration.url, "https://example.com/dev/v1/openapi.json?format=json");
    });
  });

  describe("Scalar's bundle", () => {
    const scalarPath = () => `/docs/${docs.scalarFile}`;

    it("sends the precompressed gzip to a client that accepts it (base64, content-encoding gzip, cached for good)", async () => {
      for (const acceptEncoding of ["gzip, deflate, br", "br;q=1.0, gzip;q=0.8", "*"]) {
        const answer = await handlerWith().send(request(events.httpV2, "GET", scalarPath(), acceptEncoding));
        assert.equal(answer.statusCode, 200, acceptEncoding);
        assert.equal(answer.headers["content-encoding"], "gzip", acceptEncoding);
        assert.equal(answer.isBase64Encoded, true);
        assert.ok(gunzipSync(answer.body).equals(scalarSource), "the gzip is not Scalar's bundle");
        assert.equal(answer.headers["content-length"], String(answer.body.length));
        assert.equal(answer.headers["content-type"], "text/javascript; charset=utf-8");
        assert.equal(answer.headers["cache-control"], "public, max-age=31536000, immutable");
        assert.equal(answer.headers["vary"], "accept-encoding");
        assertFleetHeaders(answer);
      }
    });

    it("sends it plain to a client that does not accept gzip (no header, gzip;q=0, identity only)", async () => {
      for (const acceptEncoding of [undefined, "gzip;q=0, br", "identity"]) {
        const answer = await handlerWith().send(request(events.restV1, "GET", scalarPath(), acceptEncoding));
        assert.equal(answer.statusCode, 200, acceptEncoding);
        assert.equal(answer.headers["content-encoding"], undefined, acceptEncoding);
        assert.equal(answer.isBase64Encoded, false);
        assert.ok(answer.body.equals(scalarSource), "not Scalar's bundle");
        assert.equal(answer.headers["vary"], "accept-encoding");
      }
    });

    it("answers HEAD of the page, init.js and the bundle with the GET headers and no body", async () => {
      const { send } = handlerWith();
      for (const [requestPath, acceptEncoding] of [["/docs", undefined], ["/docs/init.js", undefined], [scalarPath(), "gzip"], [scalarPath(), undefined]] as const) {
        const get = await send(request(events.httpV2, "GET", requestPath, acceptEncoding));
        const head = await send(request(events.httpV2, "HEAD", requestPath, acceptEncoding));
        assert.equal(head.statusCode, 200, requestPath);
        assert.equal(head.body.length, 0, requestPath);
        const { "x-request-id": _, ...headHeaders } = head.headers;
        const { "x-request-id": __, ...getHeaders } = get.headers;
        assert.deepEqual(headHeaders, getHeaders, requestPath);
      }
    });

    it("is not read when the handler is created, but on the first request for it", async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "fleet-docs-lazy-"));
      try {
        const file = path.join(dir, docs.scalarFile);
        writeFileSync(file, "/* the bytes at creation */");
        const { send } = handlerWith({ docs: { ...docs, assetDir: dir } });
        // Long enough for a read started at creation to have finished and been kept.
        await new Promise((resolve) => setTimeout(resolve, 100));
        writeFileSync(file, "/* the bytes at the first request */");
        const answer = await send(request(events.httpV2, "GET", scalarPath()));
        assert.equal(answer.body.toString(), "/* the bytes at the first request */");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("fails alone when missing: its own request answers 500 and the log names the file and the fix; the page and the app still answer", async () => {
      const missing = path.join(tmp, "not-there");
      const { send, calls } = handlerWith({ docs: { ...docs, assetDir: missing } });
      assert.equal((await send(request(events.httpV2, "GET", "/docs"))).statusCode, 200);
      assert.equal((await send(request(events.httpV2, "GET", "/elsewhere"))).statusCode, 404);
      assert.equal(calls(), 1);
      const failed = await send(request(events.httpV2, "GET", scalarPath()));
      assert.equal(failed.statusCode, 500);
      assert.equal(failed.headers["content-type"], "application/problem+json");
      const logged = JSON.stringify(logs);
      assert.ok(logged.includes(path.join(missing, docs.scalarFile)) && logged.includes("Fix:"), logged);
    });

    it("is read once and kept in memory; a failed read is tried again on the next request", async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "fleet-docs-cache-"));
      try {
        const { send } = handlerWith({ docs: { ...docs, assetDir: dir } });
        assert.equal((await send(request(events.httpV2, "GET", scalarPath()))).statusCode, 500);
        const file = path.join(dir, docs.scalarFile);
        writeFileSync(file, scalarSource);
        assert.ok((await send(request(events.httpV2, "GET", scalarPath()))).body.equals(scalarSource));
        unlinkSync(file);
        assert.ok((await send(request(events.httpV2, "GET", scalarPath()))).body.equals(scalarSource), "read again instead of kept");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("what stays the app's", () => {
    it("other methods on the docs paths get 405 with Allow: GET, HEAD, and the app is not asked", async () => {
      const { send, calls } = handlerWith();
      for (const requestPath of ["/docs", "/docs/init.js"]) {
        const answer = await send(request(events.httpV2, "POST", requestPath));
        assert.equal(answer.statusCode, 405, requestPath);
        assert.equal(answer.headers["allow"], "GET, HEAD");
        assert.equal(answer.headers["content-type"], "application/problem+json");
        assertFleetHeaders(answer);
      }
      assert.equal(calls(), 0);
    });

    it("any other path under /docs, or another Scalar file name, is the app's", async () => {
      const { send, calls } = handlerWith();
      for (const requestPath of ["/docs/", "/docs/scalar.js", "/docs/scalar.0000000000000000.js", "/docsx", "/v1/docs"]) {
        const answer = await send(request(events.httpV2, "GET", requestPath));
        assert.equal(answer.statusCode, 404, requestPath);
        assert.equal(JSON.parse(answer.body.toString()).from, "app", requestPath);
      }
      assert.equal(calls(), 5);
    });

    it("without docs configured, /docs and its scripts are the app's (404 like any unknown path)", async () => {
      const { app, calls } = tinyApp();
      const handler = createHandler(app, { log: () => undefined });
      for (const requestPath of ["/docs", "/docs/init.js", `/docs/${docs.scalarFile}`]) {
        const answer = answerOf(await handler(request(events.httpV2, "GET", requestPath), lambdaContext()));
        assert.equal(answer.statusCode, 404, requestPath);
        assert.equal(JSON.parse(answer.body.toString()).from, "app");
      }
      assert.equal(calls(), 3);
    });
  });
});

describe("acceptsGzip (Accept-Encoding, RFC 9110 §12.5.3)", () => {
  const cases: Array<[string | undefined, boolean]> = [
    [undefined, false],
    ["", false],
    ["gzip", true],
    ["GZIP", true],
    ["x-gzip", true],
    ["gzip, deflate, br, zstd", true],
    ["br;q=1.0, gzip;q=0.5", true],
    ["gzip;q=0", false],
    ["gzip; q=0.000", false],
    ["gzip;q=0.001", true],
    ["br, deflate", false],
    ["identity", false],
    ["*", true],
    ["*;q=0", false],
    ["gzip;q=0, *", false],
    ["*, gzip;q=0", false],
    ["gzip;q=abc", false],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} -> ${expected}`, () => assert.equal(acceptsGzip(header), expected));
  }
});
