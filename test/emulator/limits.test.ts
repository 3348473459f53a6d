import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { echoHandlerSource, handlerDir } from "./handlers";
import { headerValues, send } from "./http-client";

describe("emulator limits (what API Gateway and Lambda enforce)", () => {
  const handlers = handlerDir();
  let emulator: Emulator;
  let lines: string[];
  const url = (key: string) => emulator.endpoints.find((e) => e.key === key)!.url;

  before(async () => {
    lines = [];
    const bundleFile = handlers.write("echo.js", echoHandlerSource);
    const common = { account: "111111111111", region: "us-east-1", port: 0, stage: "dev", bundleFile, env: {} };
    emulator = await startEmulator({
      endpoints: [
        { ...common, key: "rest", api: "rest" },
        { ...common, key: "http", api: "http" },
        // The integration gives up first: 504.
        { ...common, key: "rest-timeout", api: "rest", integrationTimeoutMs: 200 },
        { ...common, key: "http-timeout", api: "http", integrationTimeoutMs: 200 },
        // The function's own timeout is shorter: a failed invocation, so 502.
        { ...common, key: "short-function", api: "rest", integrationTimeoutMs: 5_000, timeoutMs: 200 },
      ],
      log: (key, text) => lines.push(`[${key}] ${text}`),
    });
  });
  after(async () => {
    await emulator?.close();
    handlers.cleanup();
  });

  for (const key of ["rest", "http"]) {
    it(`answers a body over 10 MB as API Gateway does: 413, its plain-text message, no request id (${key})`, async () => {
      const response = await send(`${url(key)}v1/echo`, { method: "POST", body: Buffer.alloc(10 * 1024 * 1024 + 1, 120) });
      assert.equal(response.status, 413);
      // Captured from a REST API: koki-develop/lgtm-generator#10.
      assert.deepEqual(headerValues(response, "content-type"), ["text; charset=utf-8"]);
      assert.equal(response.body.toString(), "HTTP content length exceeded 10485760 bytes.");
      assert.deepEqual(headerValues(response, "x-amzn-requestid"), []);
      assert.deepEqual(headerValues(response, "apigw-requestid"), []);
    });
  }

  it("answers 413 for a body of exactly 10 MB, under API Gateway's quota but over Lambda's 6 MB invoke quota (it was passed through)", async () => {
    const response = await send(`${url("http")}length`, { method: "POST", headers: [["Content-Type", "text/plain"]], body: Buffer.alloc(10 * 1024 * 1024, 120) });
    assert.equal(response.status, 413);
    assert.deepEqual(response.json(), { message: "Request Too Long" });
    assert.deepEqual(headerValues(response, "x-amzn-errortype"), ["BadRequestException"]);
  });

  for (const [key, contentType] of [["rest", "application/octet-stream"], ["http", "text/plain"]] as const) {
    it(`answers 413 BadRequestException when the event would pass 6,291,456 bytes, never invoking the function (${key})`, async () => {
      // REST: 4.8 MB is 6.4 MB in base64 (binaryMediaTypes */*); HTTP API: 6.1 MB of text.
      const size = key === "rest" ? 4_800_000 : 6_300_000;
      lines.length = 0;
      const response = await send(`${url(key)}length`, { method: "POST", headers: [["Content-Type", contentType]], body: Buffer.alloc(size, 120) });
      assert.equal(response.status, 413);
      assert.deepEqual(response.json(), { message: "Request Too Long" });
      assert.deepEqual(headerValues(response, "x-amzn-errortype"), ["BadRequestException"]);
      assert.ok(lines.some((line) => /Lambda refused the invocation: .* over the 6291456-byte invoke payload quota/.test(line)), lines.join(""));
    });

    it(`invokes the function with a body whose event is just under 6,291,456 bytes (${key})`, async () => {
      const size = key === "rest" ? 4_700_000 : 6_280_000;
      const response = await send(`${url(key)}length`, { method: "POST", headers: [["Content-Type", contentType]], body: Buffer.alloc(size, 120) });
      assert.equal(response.status, 200);
      assert.equal(response.body.toString(), String(size));
    });
  }

  it("passes a result of exactly 6,291,556 bytes (Lambda's response quota) and answers 502 to one byte more", async () => {
    const at = await send(`${url("rest")}at-response-limit`);
    assert.equal(at.status, 200);
    assert.equal(at.body.length, 6291556 - 28);
    const past = await send(`${url("rest")}past-response-limit`);
    assert.equal(past.status, 502);
    assert.deepEqual(past.json(), { message: "Internal server error" });
  });

  for (const key of ["rest", "http"]) {
    it(`answers HEAD with the Content-Length GET sends and no body (${key})`, async () => {
      for (const mode of ["hello", "hello-any"]) {
        const get = await send(`${url(key)}${mode}`);
        const head = await send(`${url(key)}${mode}`, { method: "HEAD" });
        assert.deepEqual(headerValues(get, "content-length"), ["5"], mode);
        assert.deepEqual(headerValues(head, "content-length"), ["5"], mode);
        assert.equal(head.status, 200);
        assert.equal(head.body.length, 0);
      }
    });
  }

  for (const key of ["rest-timeout", "http-timeout"]) {
    it(`answers 504 Endpoint request timed out past the integration timeout (${key})`, async () => {
      const response = await send(`${url(key)}sleep`);
      assert.equal(response.status, 504);
      assert.deepEqual(response.json(), { message: "Endpoint request timed out" });
    });
  }

  it("answers 502 when the function's own timeout ends the invocation, and logs Lambda's message", async () => {
    const response = await send(`${url("short-function")}sleep`);
    assert.equal(response.status, 502);
    assert.deepEqual(response.json(), { message: "Internal server error" });
    assert.ok(lines.some((line) => /Task timed out after 0\.\d\d seconds/.test(line)), lines.join(""));
  });

  it("serves the next request after a timeout from a fresh environment", async () => {
    const response = await send(`${url("short-function")}after-timeout`);
    assert.equal(response.status, 200);
  });

  it("answers 502 when the environment crashes mid-request, then serves from a fresh one", async () => {
    const crashed = await send(`${url("http")}crash`);
    assert.equal(crashed.status, 502);
    assert.deepEqual(crashed.json(), { message: "Internal server error" });
    assert.equal((await send(`${url("http")}after-crash`)).status, 200);
  });

  for (const mode of ["throw", "not-an-object", "bad-status", "object-body", "too-big"]) {
    it(`answers 502 Internal server error when the handler result is unusable (${mode}, REST)`, async () => {
      const response = await send(`${url("rest")}${mode}`);
      assert.equal(response.status, 502);
      assert.deepEqual(response.json(), { message: "Internal server error" });
    });
  }

  it("answers 502 over Lambda's 6 MB response limit and for bad statusCode on HTTP APIs too", async () => {
    for (const mode of ["too-big", "bad-status", "throw"]) {
      const response = await send(`${url("http")}${mode}`);
      assert.equal(response.status, 502, mode);
      assert.deepEqual(response.json(), { message: "Internal server error" });
    }
  });

  it("treats an HTTP API result without statusCode as a 200 JSON body (payload 2.0 inference)", async () => {
    const response = await send(`${url("http")}not-an-object`);
    assert.equal(response.status, 200);
    assert.equal(response.body.toString(), "just a string");
  });
});
