import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { loadBuiltHandler, robustnessEnv, testContext, withQuietOutput, type BuiltHandler } from "./helpers/built-handler";
import { bodyText } from "./helpers/result-shape";

/** One bad request over HTTP and what must come back. */
interface HttpCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  status: number;
  /** A fragment the problem's `detail` (or an error's message) must contain, so the client knows what to fix. */
  says: RegExp;
}

const json = { "content-type": "application/json" };
const longName = "n".repeat(65);

const httpCases: HttpCase[] = [
  { name: "malformed JSON", method: "POST", path: "v1/echo", headers: json, body: '{"message": "hi"', status: 400, says: /JSON/i },
  { name: "empty JSON body", method: "POST", path: "v1/echo", headers: json, body: "", status: 400, says: /empty/i },
  { name: "wrong type (message is a number)", method: "POST", path: "v1/echo", headers: json, body: '{"message": 5}', status: 400, says: /message/ },
  { name: "wrong type (tags is a string)", method: "POST", path: "v1/echo", headers: json, body: '{"message":"hi","tags":"a"}', status: 400, says: /tags/ },
  { name: "unknown key in a strict body", method: "POST", path: "v1/echo", headers: json, body: '{"message":"hi","admin":true}', status: 400, says: /admin/ },
  { name: "JSON that is not an object", method: "POST", path: "v1/echo", headers: json, body: "[1,2,3]", status: 400, says: /./ },
  { name: "message over 1000 characters", method: "POST", path: "v1/echo", headers: json, body: JSON.stringify({ message: "m".repeat(1001) }), status: 400, says: /message/ },
  { name: "oversize body (100 KB)", method: "POST", path: "v1/echo", headers: json, body: JSON.stringify({ message: "x".repeat(100_000) }), status: 413, says: /limit/i },
  { name: "wrong content type (text/plain)", method: "POST", path: "v1/echo", headers: { "content-type": "text/plain" }, body: '{"message":"hi"}', status: 415, says: /application\/json/ },
  { name: "no content type", method: "POST", path: "v1/echo", body: '{"message":"hi"}', status: 415, says: /Content-Type/i },
  { name: "JSON in latin1", method: "POST", path: "v1/echo", headers: { "content-type": "application/json; charset=latin1" }, body: '{"message":"hi"}', status: 415, says: /UTF-8/ },
  { name: "invalid UTF-8 bytes", method: "POST", path: "v1/echo", headers: json, body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), status: 400, says: /UTF-8/ },
  { name: "wrong method on a known path", method: "DELETE", path: "v1/echo", status: 405, says: /DELETE/ },
  { name: "GET on a POST route", method: "GET", path: "v1/echo", status: 405, says: /GET/ },
  { name: "unknown path", method: "GET", path: "v1/nothing-here", status: 404, says: /./ },
  { name: "unknown version prefix", method: "GET", path: "v9/greetings/ada", status: 404, says: /./ },
  { name: "invalid query value", method: "GET", path: "v1/greetings/ada?lang=xx", status: 400, says: /lang/ },
  { name: "CR/LF injection in a query value", method: "GET", path: "v1/greetings/ada?lang=en%0D%0ASet-Cookie:%20evil=1", status: 400, says: /lang/ },
  { name: "name over 64 characters", method: "GET", path: `v1/greetings/${longName}`, status: 400, says: /name/ },
  { name: "very long path (6 KB)", method: "GET", path: `v1/${"segment/".repeat(750)}`, status: 404, says: /./ },
  { name: "very long query (6 KB)", method: "GET", path: `v1/greetings/ada?lang=${"x".repeat(6000)}`, status: 400, says: /lang/ },
  { name: "many query parameters", method: "GET", path: `v1/greetings/ada?${Array.from({ length: 300 }, (_, i) => `k${i}=v`).join("&")}&lang=zz`, status: 400, says: /lang/ },
];

describe("bad input over HTTP (local API Gateway emulation in front of the built bundle)", function () {
  this.timeout(60_000);
  let emulator: Emulator;
  let base: string;

  before(async () => {
    const { bundle } = await loadBuiltHandler();
    emulator = await startEmulator({
      endpoints: [
        {
          key: "123456789012/eu-west-1", account: "123456789012", region: "eu-west-1", port: 0, api: "rest", stage: "robust",
          bundleFile: bundle.file, env: { FLEET_STAGE: robustnessEnv.FLEET_STAGE, FLEET_LOG_LEVEL: robustnessEnv.FLEET_LOG_LEVEL },
        },
      ],
      log: () => undefined,
    });
    base = emulator.endpoints[0]!.url;
  });
  after(async () => {
    await emulator?.close();
  });

  for (const c of httpCases) {
    it(`${c.name}: ${c.status} problem+json`, async () => {
      const response = await fetch(new URL(c.path, base), { method: c.method, headers: c.headers, body: c.body });
      const text = await response.text();
      assert.equal(response.status, c.status, text.slice(0, 300));
      assert.match(response.headers.get("content-type") ?? "", /^application\/problem\+json/);
      const problem = JSON.parse(text) as Record<string, unknown>;
      assert.equal(problem.status, c.status);
      assert.equal(typeof problem.title, "string");
      assert.equal(typeof problem.requestId, "string");
      assert.match(`${String(problem.detail)} ${JSON.stringify(problem.errors ?? [])}`, c.says);
      for (const [name, value] of response.headers) assert.doesNotMatch(`${name}: ${value}`, /evil/, "an injected header came back");
      if (c.status === 405) assert.ok(response.headers.get("allow"), "405 without an Allow header");
    });
  }

  it("keeps serving after every bad request above", async () => {
    const response = await fetch(new URL("v1/greetings/ada", base));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { greeting: "Hello, ada!" });
  });
});

/** Bad input HTTP cannot carry to the function (the emulator base64-encodes bodies itself; clients cannot send CR/LF). */
describe("bad input straight into the built handler", () => {
  let handler: BuiltHandler;
  before(async () => {
    ({ handler } = await loadBuiltHandler());
  });

  function restEvent(overrides: Record<string, unknown>): Record<string, unknown> {
    return {
      resource: "/{proxy+}", path: "/v1/echo", httpMethod: "POST",
      headers: { "content-type": "application/json" }, multiValueHeaders: { "content-type": ["application/json"] },
      queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
      body: null, isBase64Encoded: false,
      requestContext: { requestId: "bad-input-1", stage: "robust", identity: { sourceIp: "203.0.113.9" } },
      ...overrides,
    };
  }

  const cases: Array<{ name: string; event: Record<string, unknown>; status: number; says: RegExp }> = [
    { name: "invalid base64 body", event: restEvent({ body: "not base64!!", isBase64Encoded: true }), status: 400, says: /base64/i },
    {
      // REST APIs send every body base64 (binaryMediaTypes */*); a strict-base64 regex overflowed V8's stack past
      // ~3.36 MB and the adapter answered 500 instead of the app's own limit.
      name: "3.4 MB base64 body, over the app's 64 KiB JSON limit",
      event: restEvent({ body: Buffer.from(JSON.stringify({ message: "x".repeat(3_400_000) })).toString("base64"), isBase64Encoded: true }),
      status: 413, says: /limit/i,
    },
    { name: "base64 body that decodes to malformed JSON", event: restEvent({ body: Buffer.from("{oops").toString("base64"), isBase64Encoded: true }), status: 400, says: /JSON/i },
    {
      name: "CR/LF in request header values",
      event: restEvent({
        path: "/v1/whoami", httpMethod: "GET",
        headers: { "x-request-id": "a\r\nSet-Cookie: evil=1", "x-forwarded-for": "1.2.3.4\r\nX-Evil: 1" },
        multiValueHeaders: { "x-request-id": ["a\r\nSet-Cookie: evil=1"], "x-forwarded-for": ["1.2.3.4\r\nX-Evil: 1"] },
        queryStringParameters: { lang: "en\r\nSet-Cookie: evil=1" }, multiValueQueryStringParameters: { lang: ["en\r\nSet-Cookie: evil=1"] },
      }),
      status: 200, says: /./,
    },
    {
      name: "CR/LF in a query value on a validated route",
      event: restEvent({ path: "/v1/greetings/ada", httpMethod: "GET", queryStringParameters: { lang: "en\r\nSet-Cookie: evil=1" }, multiValueQueryStringParameters: { lang: ["en\r\nSet-Cookie: evil=1"] } }),
      status: 400, says: /lang/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.status}${c.status >= 400 ? " problem+json" : ""}, no injected header`, async () => {
      const result = await withQuietOutput(() => handler(c.event, testContext()));
      assert.equal(result.statusCode, c.status, bodyText(result).slice(0, 300));
      const headers = { ...(result.headers as Record<string, string> | undefined) };
      for (const [name, values] of Object.entries((result.multiValueHeaders as Record<string, string[]> | undefined) ?? {})) headers[name] = values.join(", ");
      for (const [name, value] of Object.entries(headers)) {
        assert.doesNotMatch(`${name}: ${value}`, /[\r\n]|evil/i, "a request value reached a response header");
      }
      if (c.status >= 400) {
        assert.match(headers["content-type"] ?? "", /^application\/problem\+json/);
        const problem = JSON.parse(bodyText(result)) as Record<string, unknown>;
        assert.equal(problem.status, c.status);
        assert.match(`${String(problem.detail)} ${JSON.stringify(problem.errors ?? [])}`, c.says);
      }
    });
  }
});
