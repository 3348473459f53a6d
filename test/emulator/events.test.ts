import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { loadAwsEvent } from "../helpers/aws-events";
import { echoHandlerSource, handlerDir } from "./handlers";
import { headerValues, send } from "./http-client";
import { shapeOf } from "./shape";

const restCapture = "powertools-lambda-typescript/apigw-rest/no-auth.json";
const restProxyCapture = "aws-lambda-rust-runtime/lambda-http/tests/data/apigw_multi_value_proxy_request.json";
const httpCapture = "aws-lambda-go/events/testdata/apigw-v2-request-no-authorizer.json";
const httpQueryAndCookies = "aws-lambda-go/events/testdata/apigw-v2-request-jwt-authorizer.json";

describe("emulator events (what the function receives)", () => {
  const handlers = handlerDir();
  let emulator: Emulator;
  let restUrl: string;
  let httpUrl: string;

  before(async () => {
    const bundleFile = handlers.write("echo.js", echoHandlerSource);
    const common = { account: "111111111111", region: "eu-west-1", port: 0, stage: "dev", bundleFile, env: { FLEET_STAGE: "dev" } };
    emulator = await startEmulator({
      endpoints: [
        { ...common, key: "rest", api: "rest" },
        { ...common, key: "http", api: "http" },
      ],
      log: () => {},
    });
    restUrl = emulator.endpoints[0]!.url;
    httpUrl = emulator.endpoints[1]!.url;
  });
  after(async () => {
    await emulator?.close();
    handlers.cleanup();
  });

  it("serves REST under /<stage>/ and HTTP APIs at the root, as execute-api URLs do", () => {
    assert.match(restUrl, /^http:\/\/127\.0\.0\.1:\d+\/dev\/$/);
    assert.match(httpUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("builds a REST payload 1.0 event shaped like a captured one (POST /, no body, no query)", async () => {
    const response = await send(restUrl, { method: "POST", headers: [["User-Agent", "HTTPie/3.2.2"], ["Accept", "*/*"]] });
    assert.equal(response.status, 200);
    const { event } = response.json();
    const options = { records: ["headers", "multiValueHeaders"] };
    assert.deepEqual(shapeOf(event, options), shapeOf(loadAwsEvent(restCapture), options));
    assert.equal(event.resource, "/");
    assert.equal(event.path, "/");
    assert.equal(event.requestContext.path, "/dev/");
    assert.equal(event.requestContext.stage, "dev");
    assert.equal(event.requestContext.accountId, "111111111111");
    assert.equal(event.requestContext.identity.sourceIp, "127.0.0.1");
    assert.match(event.requestContext.requestTime, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.equal(headerValues(response, "x-amzn-requestid")[0], event.requestContext.requestId);
  });

  it("routes any REST path through /{proxy+} with the path without the stage and the query decoded", async () => {
    const response = await send(`${restUrl}hello/world?name=me&multiValueName=you&multiValueName=me`);
    const { event } = response.json();
    const capture = loadAwsEvent(restProxyCapture) as Record<string, unknown>;
    for (const field of ["resource", "path", "pathParameters", "queryStringParameters", "multiValueQueryStringParameters"]) {
      assert.deepEqual(event[field], capture[field], field);
    }
    assert.equal(event.requestContext.resourcePath, "/{proxy+}");
    assert.equal(event.requestContext.path, "/dev/hello/world");
  });

  it("keeps every value of repeated REST headers and query keys (last one in the single-value maps)", async () => {
    const response = await send(`${restUrl}q?tag=a%20b&tag=c&plus=1+1&empty`, { headers: [["X-Tag", "one"], ["X-Tag", "two"]] });
    const { event } = response.json();
    assert.deepEqual(event.multiValueHeaders["X-Tag"], ["one", "two"]);
    assert.equal(event.headers["X-Tag"], "two");
    assert.deepEqual(event.multiValueQueryStringParameters, { tag: ["a b", "c"], plus: ["1+1"], empty: [""] });
    assert.deepEqual(event.queryStringParameters, { tag: "c", plus: "1+1", empty: "" });
  });

  // On `{}` maps, `?constructor=1` found Object as the existing list and the REST emulator answered 502.
  const hostileQuery = "constructor=1&toString=2&__proto__=3&hasOwnProperty=4&constructor=5";
  const hostileHeaders: Array<[string, string]> = [["constructor", "c"], ["__proto__", "p"], ["toString", "t"]];

  it("REST: query keys and headers named constructor, toString, __proto__ are keys like any other", async () => {
    const response = await send(`${restUrl}x?${hostileQuery}`, { headers: hostileHeaders });
    assert.equal(response.status, 200, response.body.toString());
    const { event } = response.json();
    assert.deepEqual(event.multiValueQueryStringParameters, JSON.parse('{"constructor":["1","5"],"toString":["2"],"__proto__":["3"],"hasOwnProperty":["4"]}'));
    assert.deepEqual(event.queryStringParameters, JSON.parse('{"constructor":"5","toString":"2","__proto__":"3","hasOwnProperty":"4"}'));
    assert.deepEqual(event.multiValueHeaders.constructor, ["c"]);
    assert.deepEqual(Object.getOwnPropertyDescriptor(event.multiValueHeaders, "__proto__")?.value, ["p"]);
    assert.equal(event.headers.toString, "t");
  });

  it("HTTP API: query keys and headers named constructor, toString, __proto__ are keys like any other", async () => {
    const response = await send(`${httpUrl}x?${hostileQuery}`, { headers: hostileHeaders });
    assert.equal(response.status, 200, response.body.toString());
    const { event } = response.json();
    assert.deepEqual(event.queryStringParameters, JSON.parse('{"constructor":"1,5","toString":"2","__proto__":"3","hasOwnProperty":"4"}'));
    assert.equal(event.headers.constructor, "c");
    assert.equal(Object.getOwnPropertyDescriptor(event.headers, "__proto__")?.value, "p");
    assert.equal(event.headers.tostring, "t");
  });

  it("answers 403 for REST paths outside the stage, as execute-api does", async () => {
    const response = await send(restUrl.replace(/dev\/$/, "prod/health"));
    assert.equal(response.status, 403);
    assert.deepEqual(response.json(), { message: "Forbidden" });
  });

  it("base64-encodes every REST body (the platform sets binaryMediaTypes */*)", async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const png = (await send(`${restUrl}upload`, { method: "PUT", headers: [["Content-Type", "image/png"]], body: bytes })).json().event;
    assert.equal(png.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(png.body, "base64"), bytes);
    const json = (await send(`${restUrl}v1/echo`, { method: "POST", headers: [["Content-Type", "application/json"]], body: '{"message":"hé"}' })).json().event;
    assert.equal(json.isBase64Encoded, true);
    assert.equal(Buffer.from(json.body, "base64").toString("utf8"), '{"message":"hé"}');
  });

  it("builds an HTTP API payload 2.0 event shaped like a captured one (GET /)", async () => {
    const response = await send(httpUrl, { headers: [["User-Agent", "curl/7.58.0"], ["X-Request-Id", "client-chosen"]] });
    const { event } = response.json();
    assert.deepEqual(headerValues(response, "apigw-requestid"), [event.requestContext.requestId]);
    assert.match(event.requestContext.requestId, /^[A-Za-z0-9_-]{15}=$/);
    const options = { records: ["headers"], ignore: ["requestContext.authentication"] };
    assert.deepEqual(shapeOf(event, options), shapeOf(loadAwsEvent(httpCapture), options));
    assert.equal(event.routeKey, "$default");
    assert.equal(event.requestContext.stage, "$default");
    assert.equal(event.requestContext.http.sourceIp, "127.0.0.1");
    assert.equal(event.requestContext.http.userAgent, "curl/7.58.0");
  });

  it("passes HTTP API cookies as cookies[], the raw query verbatim and repeated values comma-joined", async () => {
    const capture = loadAwsEvent(httpQueryAndCookies) as { rawQueryString: string; cookies: string[]; queryStringParameters: unknown };
    const response = await send(`${httpUrl}v1/whoami?${capture.rawQueryString}`, {
      headers: [["Cookie", capture.cookies.join("; ")], ["X-Tag", "one"], ["X-Tag", "two"]],
    });
    const { event } = response.json();
    assert.equal(event.rawPath, "/v1/whoami");
    assert.equal(event.rawQueryString, capture.rawQueryString);
    assert.deepEqual(event.queryStringParameters, capture.queryStringParameters);
    assert.deepEqual(event.cookies, capture.cookies);
    assert.equal(event.headers.cookie, undefined);
    assert.equal(event.headers["x-tag"], "one,two");
  });

  it("passes HTTP API text bodies as text and binary bodies base64", async () => {
    const text = (await send(`${httpUrl}v1/echo`, { method: "POST", headers: [["Content-Type", "application/json"]], body: '{"a":1}' })).json().event;
    assert.equal(text.isBase64Encoded, false);
    assert.equal(text.body, '{"a":1}');
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]);
    const binary = (await send(`${httpUrl}up`, { method: "POST", headers: [["Content-Type", "application/octet-stream"]], body: bytes })).json().event;
    assert.equal(binary.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(binary.body, "base64"), bytes);
  });

  it("gives the handler a Lambda-like context", async () => {
    const { context } = (await send(`${restUrl}ctx`)).json();
    assert.match(context.awsRequestId, /^[0-9a-f-]{36}$/);
    assert.equal(context.functionName, "fleet-dev");
    assert.equal(context.functionVersion, "$LATEST");
    assert.equal(context.invokedFunctionArn, "arn:aws:lambda:eu-west-1:111111111111:function:fleet-dev");
    assert.equal(context.memoryLimitInMB, "1024");
    assert.equal(context.logGroupName, "/aws/lambda/fleet-dev");
    assert.equal(typeof context.logStreamName, "string");
    assert.equal(context.callbackWaitsForEmptyEventLoop, true);
    assert.ok(context.remaining > 0 && context.remaining <= 30_000, `remaining ${context.remaining}`);
  });

  it("decodes base64 responses and sends multiValueHeaders (REST) and cookies[] (HTTP) as Set-Cookie", async () => {
    const png = await send(`${restUrl}binary`);
    assert.equal(headerValues(png, "content-type")[0], "image/png");
    assert.deepEqual(png.body, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]));
    for (const url of [restUrl, httpUrl]) {
      const response = await send(`${url}cookies`);
      assert.equal(response.status, 204);
      assert.deepEqual(headerValues(response, "set-cookie"), ["a=1; Path=/", "b=2; Path=/"]);
    }
  });
});
