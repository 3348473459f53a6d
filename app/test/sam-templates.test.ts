import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createApp } from "..";
import { createHandler } from "../../lambda/create-handler";
import type { LogEntry } from "../../lambda/processors/event-processor";
import { fleetIdentity } from "../../test/lambda/events";
import { silentLogger, testConfig } from "./support";
import { awsEventsDir, lambdaContext } from "../../test/helpers/aws-events";

const samEvents = "aws-sam-cli/templates/samcli/lib/generated_sample_events/events";
const requestBody = '{"message":"héllo","tags":["sam"]}';

/**
 * Renders a `sam local generate-event` template the way SAM does: `{{{name}}}` placeholders replaced, the body
 * base64-encoded (the templates say `isBase64Encoded: true`), and the query placeholder as a JSON object.
 */
function renderSamTemplate(file: string, values: { path: string; method: string; stage: string }): unknown {
  const text = readFileSync(path.join(awsEventsDir, samEvents, file), "utf8")
    .replace('"{{{querystringparameters}}}"', JSON.stringify({ foo: "bar" }))
    .replaceAll("{{{path}}}", values.path)
    .replaceAll("{{{method}}}", values.method)
    .replaceAll("{{{stage}}}", values.stage)
    .replaceAll("{{{resource}}}", "/{proxy+}")
    .replaceAll("{{{account_id}}}", "123456789012")
    .replaceAll("{{{dns_suffix}}}", "us-east-1.amazonaws.com")
    .replaceAll("{{{body}}}", Buffer.from(requestBody).toString("base64"));
  assert.doesNotMatch(text, /\{\{\{/, `${file}: every placeholder rendered`);
  const event = JSON.parse(text) as { headers: Record<string, string>; multiValueHeaders?: Record<string, string[]> };
  // The templates send no content type; the echo route needs one, as any client sending JSON would.
  event.headers["Content-Type"] = "application/json";
  if (event.multiValueHeaders) event.multiValueHeaders["Content-Type"] = ["application/json"];
  return event;
}

/** The headers every answer of the app carries (the values testConfig and the app's security defaults give). */
function appHeaders(requestId: string, body: string): Record<string, string> {
  return {
    "x-request-id": requestId,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "x-frame-options": "DENY",
    "cross-origin-resource-policy": "same-origin",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cache-control": "no-store",
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    ...fleetIdentity,
  };
}

describe("Lambda handler with the rendered `sam local generate-event` templates (the real app, POST /v1/echo)", () => {
  const echoed = JSON.stringify({ message: "héllo", tags: ["sam"], bytes: 6 });
  const logs: LogEntry[] = [];
  const handler = createHandler(createApp({ config: testConfig, logger: silentLogger() }), { log: (entry) => logs.push(entry) });
  afterEach(() => assert.deepEqual(logs.splice(0), [], "the adapter logged nothing"));

  it("apigateway/AwsProxy.json (REST payload 1.0, stage in requestContext.path only) comes back whole", async () => {
    const event = renderSamTemplate("apigateway/AwsProxy.json", { path: "v1/echo", method: "POST", stage: "prod" });
    const response = await handler(event, lambdaContext());
    assert.deepEqual(response, {
      statusCode: 200,
      headers: appHeaders("c6af9ac6-7b61-11e6-9a41-93e8deadbeef", echoed),
      multiValueHeaders: {},
      body: echoed,
      isBase64Encoded: false,
    });
  });

  it("apigateway/HttpApi.json (HTTP API payload 2.0, named stage not in rawPath) comes back whole", async () => {
    const event = renderSamTemplate("apigateway/HttpApi.json", { path: "v1/echo", method: "POST", stage: "prod" });
    const requestId = (event as { requestContext: { requestId: string } }).requestContext.requestId;
    const response = await handler(event, lambdaContext());
    assert.deepEqual(response, { statusCode: 200, headers: appHeaders(requestId, echoed), cookies: [], body: echoed, isBase64Encoded: false });
  });

  it("alb/ALBRequest.json (ALB, single-value headers, no request id: Lambda's) comes back whole", async () => {
    const event = renderSamTemplate("alb/ALBRequest.json", { path: "v1/echo", method: "POST", stage: "prod" });
    const response = await handler(event, lambdaContext("alb-invocation-id"));
    assert.deepEqual(response, {
      statusCode: 200,
      statusDescription: "200 OK",
      headers: appHeaders("alb-invocation-id", echoed),
      body: echoed,
      isBase64Encoded: false,
    });
  });
});
