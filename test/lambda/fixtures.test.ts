import assert from "node:assert/strict";
import { createHandler } from "../../lambda/create-handler";
import type { LogEntry } from "../../lambda/processors/event-processor";
import { type RequestFixture, lambdaContext, listFixtureFiles, loadAwsEvent, nonRequestFixtures, requestFixtures } from "../helpers/aws-events";
import { type Echo, createEchoApp } from "./echo-app";
import { fleetIdentity } from "./events";

/** The routing facts each real event must produce inside Koa. `cookie: undefined` means no Cookie header at all. */
interface Expected {
  method: string;
  path: string;
  query: string;
  cookie: string | undefined;
  body: string;
  requestId: string;
  sourceIp: string;
  /** Further request headers to check, lower-case names. */
  headers?: Record<string, string>;
}

const awsRequestId = "aws-request-id-0001";

const expected: Record<string, Expected> = {
  "apigw-request.json": {
    method: "POST", path: "/hello/world", query: "name=me", cookie: undefined, body: '{\r\n\t"a": 1\r\n}',
    requestId: "deef4878-7910-11e6-8f14-25afc3e9ae33", sourceIp: "192.168.196.186",
    headers: { "x-forwarded-for": "54.240.196.186, 54.182.214.83", headername: "headerValue", "content-type": "application/json" },
  },
  "apigw-v2-request-jwt-authorizer.json": {
    method: "GET", path: "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: "cookie1; cookie2",
    body: '{\r\n\t"a": 1\r\n}', requestId: "id", sourceIp: "IP", headers: { header2: "value2" },
  },
  "apigw-v2-request-no-authorizer.json": {
    method: "GET", path: "/", query: "", cookie: undefined, body: "", requestId: "LV7fzho-PHcEJPw=", sourceIp: "1.2.3.4",
  },
  "alb-lambda-target-request-multivalue-headers.json": {
    method: "GET", path: "/", query: "key=hello", cookie: undefined, body: "", requestId: awsRequestId, sourceIp: "72.21.198.67",
  },
  "alb-lambda-target-request-headers-only.json": {
    method: "GET", path: "/", query: "key=hello", cookie: undefined, body: "", requestId: awsRequestId, sourceIp: "25.12.198.67",
  },
  "lambda-urls-request.json": {
    method: "POST", path: "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: "cookie1; cookie2",
    body: "Hello from client!", requestId: "id", sourceIp: "123.123.123.123", headers: { header2: "value1,value2" },
  },
  "function-url-request-with-headers-and-cookies-and-text-body.json": {
    // cookies[] and the cookie header say the same: the cookies must not be doubled.
    method: "POST", path: "/hello", query: "hello=world&foo=bar", cookie: "foo=bar; hello=hello", body: '{"hello": "world"}',
    requestId: "5bbd0e3e-fe7a-4299-9076-32d4de45391b", sourceIp: "127.0.0.1",
  },
  "function-url-domain-only-request-with-base64-encoded-body.json": {
    method: "POST", path: "/", query: "", cookie: undefined, body: "<idk/>", requestId: "9701a3d4-36ad-40bd-bf0b-a525c987d27f",
    sourceIp: "127.0.0.1", headers: { "content-type": "idk" },
  },
  "function-url-domain-only-get-request-trailing-slash.json": {
    method: "GET", path: "/", query: "", cookie: undefined, body: "", requestId: "3a72f39b-d6bd-4a4f-b040-f94d09b4daa3", sourceIp: "127.0.0.1",
  },
  "apigw-rest/no-auth.json": {
    method: "POST", path: "/no-auth", query: "", cookie: undefined, body: "", requestId: "f88e38e3-2060-4a56-93c0-9efbc6a659a0", sourceIp: "15.248.3.126",
  },
  "console-test-ui.json": {
    method: "POST", path: "/no-auth", query: "", cookie: undefined, body: "", requestId: "28422e1a-c975-42da-895e-165f882dafef",
    sourceIp: "test-invoke-source-ip",
  },
  "apigw-http/no-auth.json": {
    method: "POST", path: "/lambda", query: "", cookie: undefined, body: "", requestId: "ZhNHJhhLjoEEPiw=", sourceIp: "15.248.3.126",
  },
  "get-request.json": {
    method: "GET", path: "/", query: "", cookie: undefined, body: "", requestId: "id", sourceIp: "123.123.123.123",
  },
  "multi-fields.json": {
    method: "GET", path: "/lambda", query: "", cookie: undefined, body: "Test", requestId: awsRequestId, sourceIp: "123.123.123.123",
  },
  "apiGatewayProxyEvent.json": {
    method: "GET", path: "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: undefined,
    body: "Hello from Lambda!", requestId: "id=", sourceIp: "192.168.0.1/32", headers: { header2: "value1, value2" },
  },
  "albMultiValueQueryStringEvent.json": {
    method: "GET", path: "/todos", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: undefined, body: "",
    requestId: awsRequestId, sourceIp: "123.123.123.123", headers: { header2: "value1, value2" },
  },
  "apigw_multi_value_proxy_request.json": {
    method: "POST", path: "/hello/world", query: "name=me&multiValueName=you&multiValueName=me", cookie: undefined, body: '{\r\n\t"a": 1\r\n}',
    requestId: "deef4878-7910-11e6-8f14-25afc3e9ae33", sourceIp: "192.168.196.186",
  },
  "apigw_v2_proxy_request_with_stage_in_path.json": {
    // Named stage "Prod": rawPath /Prod/my/path reaches Koa as /my/path.
    method: "POST", path: "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: "cookie1=value1; cookie2=value2",
    body: "Hello from Lambda", requestId: "id", sourceIp: "IP",
  },
  "alb_multi_value_request_encoded_query_parameters.json": {
    // ALB leaves query values encoded: they must reach Koa exactly so, not decoded and not encoded again.
    method: "GET", path: "/", query: "myKey=%3FshowAll%3Dtrue&myKey=%3FshowAll%3Dfalse", cookie: "name1=value1; name2=value2",
    body: "request_body", requestId: awsRequestId, sourceIp: "72.21.198.66",
  },
  "lambda_function_url_request.json": {
    method: "GET", path: "/my/path", query: "parameter1=value1&parameter1=value2&parameter2=value", cookie: "test=hi", body: "",
    requestId: "MIZRNhJtIAMEMDw=", sourceIp: "65.78.31.245",
  },
  "apigw_request_path_with_space.json": {
    method: "POST", path: "/my/path-with%20space", query: "parameter1=value1&parameter1=value2&parameter2=value",
    cookie: "cookie1=value1; cookie2=value2", body: "Hello from Lambda", requestId: "id", sourceIp: "IP",
  },
  "values-get-all-httpapi-v2-with-stage.json": {
    // Named stage "beta": rawPath /beta/api/values reaches Koa as /api/values.
    method: "GET", path: "/api/values", query: "", cookie: undefined, body: "", requestId: "J6vl3iNWoAMESOw=", sourceIp: "192.182.149.40",
  },
  "cookies-get-multiple-httpapi-v2-request.json": {
    // The event's content-length 41 does not match its null body: the adapter sends the real length (0).
    method: "GET", path: "/api/cookietests/TestCookie3", query: "", cookie: "TestCookie1=TestValue1; TestCookie2=TestValue2; TestCookie3=TestValue3",
    body: "", requestId: "J7jk9g-7oAMEJGw=", sourceIp: "192.182.149.40", headers: { "content-length": "0" },
  },
  "values-put-binary-alb-request.json": {
    method: "PUT", path: "/api/binary", query: "", cookie: "cookies", body: "Greetings, programs!", requestId: awsRequestId, sourceIp: "72.21.198.66",
  },
  "values-get-querystring-alb-mv-encoding-request.json": {
    method: "GET", path: "/api/rawquerystring/json", query: "url=http://www.gooogle.com&testDateTimeOffset=2019-03-12T16%3A06%3A06.5498170%2B00%3A00",
    cookie: "cookies", body: "", requestId: awsRequestId, sourceIp: "72.21.198.66", headers: { accept: "text/html, application/xhtml+xml" },
  },
  "ag-v1-body-base64.json": {
    method: "POST", path: "/path", query: "", cookie: undefined, body: "foo=bar", requestId: "ffffffff-ffff-4fff-ffff-ffffffffffff", sourceIp: "1.1.1.1",
    headers: { "content-length": "7" },
  },
  "ag-v2-body-base64.json": {
    method: "POST", path: "/path", query: "", cookie: undefined, body: "foo=bar", requestId: "JTHoQgr2oAMEPMg=", sourceIp: "1.1.1.1",
  },
  "ag-v1-stage-prefix.json": {
    // path is /path while requestContext.path is /dev/path: v1 `path` carries no stage.
    method: "GET", path: "/path", query: "", cookie: undefined, body: "", requestId: "ffffffff-ffff-4fff-ffff-ffffffffffff", sourceIp: "1.1.1.1",
  },
  "ag-v1-header-custom-multivalue.json": {
    method: "GET", path: "/path", query: "", cookie: undefined, body: "", requestId: "ffffffff-ffff-4fff-ffff-ffffffffffff", sourceIp: "1.1.1.1",
    headers: { "x-my-header": "Hello world, Hello john" },
  },
  "ag-v2-cookies.json": {
    method: "GET", path: "/path", query: "", cookie: "tz=Europe%2FParis; four=two+%2B+2; theme=light", body: "", requestId: "JTHoQgr2oAMEPMg=",
    sourceIp: "1.1.1.1",
  },
  "ag-v2-query-string-multivalue.json": {
    method: "PUT", path: "/path", cookie: undefined, body: "", requestId: "JTHoQgr2oAMEPMg=", sourceIp: "1.1.1.1",
    query: "foo[]=bar&foo[]=baz&cards[]=birthday&colors[][]=red&colors[][]=blue&shapes[a][]=square&shapes[a][]=triangle&myvar=abc&foo.bar[]=baz&array=one&array=two",
  },
};

/** Keys of `expected`: the file name, or the last two segments where names repeat (no-auth.json). */
function expectedFor(fixture: RequestFixture): Expected | undefined {
  const segments = fixture.file.split("/");
  return expected[segments.slice(-2).join("/")] ?? expected[segments.at(-1)!];
}

const appCookies = ["seen=1; Path=/", "second=2; Path=/; HttpOnly"];

/** The whole Lambda response an echo answer must come back as, for the fixture's kind (body taken as given). */
function expectedResponse(fixture: RequestFixture, body: string): Record<string, unknown> {
  const headers = { "content-type": "application/json; charset=utf-8", "content-length": String(Buffer.byteLength(body)), ...fleetIdentity };
  switch (fixture.kind) {
    case "rest-v1":
    case "http-v1":
      return { statusCode: 200, headers, multiValueHeaders: { "set-cookie": appCookies }, body, isBase64Encoded: false };
    case "http-v2":
    case "function-url":
      return { statusCode: 200, headers, cookies: appCookies, body, isBase64Encoded: false };
    case "alb":
      return fixture.albMultiValue
        ? {
            statusCode: 200, statusDescription: "200 OK", body, isBase64Encoded: false,
            multiValueHeaders: {
              "content-type": [headers["content-type"]],
              "content-length": [headers["content-length"]],
              "set-cookie": appCookies,
              "x-fleet-release": [fleetIdentity["x-fleet-release"]],
              "x-fleet-region": [fleetIdentity["x-fleet-region"]],
            },
          }
        : { statusCode: 200, statusDescription: "200 OK", headers: { ...headers, "set-cookie": appCookies[0] }, body, isBase64Encoded: false };
  }
}

describe("Lambda handler with the real AWS event fixtures", () => {
  it("lists every fixture file as a request event or as a non-request file", () => {
    const listed = [...requestFixtures.map((f) => f.file), ...nonRequestFixtures].sort();
    assert.deepEqual(listFixtureFiles(), listed);
    assert.equal(requestFixtures.length, 32);
  });

  it("loads the BOM-prefixed fixtures", () => {
    const bomFiles = requestFixtures.filter((f) => f.file.includes("aws-lambda-dotnet") && !f.file.includes("values-get-all"));
    assert.equal(bomFiles.length, 3);
    for (const fixture of bomFiles) assert.equal(typeof loadAwsEvent(fixture.file), "object");
  });

  for (const fixture of requestFixtures) {
    const facts = expectedFor(fixture);
    if (fixture.file.endsWith("apiGatewayProxyEventAnotherPath.json")) continue; // its own test below
    it(`${fixture.file.split("/").at(-1)} (${fixture.kind}) reaches Koa with its routing facts and comes back whole`, async () => {
      assert.ok(facts, `no expected facts for ${fixture.file}`);
      const logs: LogEntry[] = [];
      const { app, seen } = createEchoApp((ctx) => ctx.append("Set-Cookie", appCookies));
      const handler = createHandler(app, { log: (entry) => logs.push(entry) });
      const event = loadAwsEvent(fixture.file);

      const response = await handler(event, lambdaContext(awsRequestId));

      assert.ok(typeof response === "object" && "body" in response && typeof response.body === "string");
      assert.deepEqual(response, expectedResponse(fixture, response.body));
      const echo: Echo = JSON.parse(response.body);
      assert.deepEqual(
        { method: echo.method, path: echo.path, query: echo.query, cookie: echo.headers["cookie"], body: Buffer.from(echo.bodyBase64, "base64").toString("utf8") },
        { method: facts.method, path: facts.path, query: facts.query, cookie: facts.cookie, body: facts.body },
      );
      assert.deepEqual(echo.lambda, { kind: fixture.kind, requestId: facts.requestId, sourceIp: facts.sourceIp });
      assert.equal(echo.headers["content-length"], String(Buffer.byteLength(facts.body)));
      for (const [name, value] of Object.entries(facts.headers ?? {})) assert.equal(echo.headers[name], value, `header ${name}`);
      assert.equal(seen.state?.event, event, "ctx.state.lambda.event is the very event object Lambda delivered");
      // ALB without multi-value headers can carry one Set-Cookie only: the second is dropped with a warning.
      const dropped = fixture.kind === "alb" && !fixture.albMultiValue ? [1] : [];
      assert.deepEqual(logs.map((entry) => entry["droppedCookies"]), dropped);
    });
  }

  it("apiGatewayProxyEventAnotherPath.json (isBase64Encoded with a non-base64 body) answers 400 problem+json without calling Koa", async () => {
    const { app, seen } = createEchoApp();
    const logs: LogEntry[] = [];
    const handler = createHandler(app, { log: (entry) => logs.push(entry) });
    const response = await handler(loadAwsEvent("powertools-lambda-python/tests/events/apiGatewayProxyEventAnotherPath.json"), lambdaContext());
    // Koa's access log never sees this request: the adapter logs it (regression: it went unlogged).
    assert.deepEqual(logs.map(({ level, requestId, kind, status }) => ({ level, requestId, kind, status })), [
      { level: "WARN", requestId: "id=", kind: "http-v1", status: 400 },
    ]);

    assert.ok("body" in response && typeof response.body === "string");
    const problem = JSON.parse(response.body);
    assert.deepEqual(response, {
      statusCode: 400,
      headers: {
        "content-type": "application/problem+json",
        "content-length": String(Buffer.byteLength(response.body)),
        "x-request-id": "id=",
        // The app's security headers, on the adapter's own answer too (regression: only nosniff was sent).
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "strict-transport-security": "max-age=63072000; includeSubDomains",
        "x-frame-options": "DENY",
        "cross-origin-resource-policy": "same-origin",
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "cache-control": "no-store",
        ...fleetIdentity,
      },
      multiValueHeaders: {},
      body: response.body,
      isBase64Encoded: false,
    });
    assert.deepEqual(Object.keys(problem), ["type", "title", "status", "detail", "requestId"]);
    assert.equal(problem.status, 400);
    assert.equal(problem.title, "Bad Request");
    assert.equal(problem.requestId, "id=");
    assert.match(problem.detail, /isBase64Encoded/);
    assert.equal(seen.calls, 0);
  });
});
