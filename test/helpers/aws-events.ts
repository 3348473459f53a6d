import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "aws-lambda";
import type { EventKind } from "../../lambda/lambda-state";

/** Root of the copied AWS event fixtures (layout and SOURCES.md as in the shared set). */
export const awsEventsDir = path.resolve(__dirname, "../fixtures/aws-events");

/**
 * Reads a fixture (path relative to {@link awsEventsDir}) as JSON, stripping the UTF-8 BOM some files start with
 * (`JSON.parse` rejects it). Returns a fresh object on every call, so a test may change its copy.
 */
export function loadAwsEvent(relativePath: string): unknown {
  const text = readFileSync(path.join(awsEventsDir, relativePath), "utf8");
  return JSON.parse(text.replace(/^\uFEFF/, ""));
}

/** A request event fixture and the format it is, by AWS's own definition. */
export interface RequestFixture {
  /** Path relative to {@link awsEventsDir}. */
  file: string;
  kind: EventKind;
  /** For ALB: whether the target group had multi-value headers on (the event carries `multiValueHeaders`). */
  albMultiValue?: boolean;
}

const dotnet = "aws-lambda-dotnet/Libraries/test/Amazon.Lambda.AspNetCoreServer.Test";
const goEvents = "aws-lambda-go/events/testdata";
const goUrl = "aws-lambda-go/lambdaurl/testdata";
const rust = "aws-lambda-rust-runtime/lambda-http/tests/data";
const bref = "bref/tests/Event/Http/Fixture";
const pyEvents = "powertools-lambda-python/tests/events";
const ts = "powertools-lambda-typescript";

/** Every request event in the fixture set (SOURCES.md "Request events"), with its kind. */
export const requestFixtures: readonly RequestFixture[] = [
  { file: `${goEvents}/apigw-request.json`, kind: "rest-v1" },
  { file: `${goEvents}/apigw-v2-request-jwt-authorizer.json`, kind: "http-v2" },
  { file: `${goEvents}/apigw-v2-request-no-authorizer.json`, kind: "http-v2" },
  { file: `${goEvents}/alb-lambda-target-request-multivalue-headers.json`, kind: "alb", albMultiValue: true },
  { file: `${goEvents}/alb-lambda-target-request-headers-only.json`, kind: "alb", albMultiValue: false },
  { file: `${goEvents}/lambda-urls-request.json`, kind: "function-url" },
  { file: `${goUrl}/function-url-request-with-headers-and-cookies-and-text-body.json`, kind: "function-url" },
  { file: `${goUrl}/function-url-domain-only-request-with-base64-encoded-body.json`, kind: "function-url" },
  { file: `${goUrl}/function-url-domain-only-get-request-trailing-slash.json`, kind: "function-url" },
  { file: `${ts}/apigw-rest/no-auth.json`, kind: "rest-v1" },
  { file: `${ts}/apigw-rest/console-test-ui.json`, kind: "rest-v1" },
  { file: `${ts}/apigw-http/no-auth.json`, kind: "http-v2" },
  { file: `${ts}/lambda/get-request.json`, kind: "function-url" },
  { file: `${ts}/alb/multi-fields.json`, kind: "alb", albMultiValue: true },
  { file: `${pyEvents}/apiGatewayProxyEvent.json`, kind: "http-v1" },
  { file: `${pyEvents}/albMultiValueQueryStringEvent.json`, kind: "alb", albMultiValue: true },
  { file: `${pyEvents}/apiGatewayProxyEventAnotherPath.json`, kind: "http-v1" },
  { file: `${rust}/apigw_multi_value_proxy_request.json`, kind: "rest-v1" },
  { file: `${rust}/apigw_v2_proxy_request_with_stage_in_path.json`, kind: "http-v2" },
  { file: `${rust}/alb_multi_value_request_encoded_query_parameters.json`, kind: "alb", albMultiValue: true },
  { file: `${rust}/lambda_function_url_request.json`, kind: "function-url" },
  { file: `${rust}/apigw_request_path_with_space.json`, kind: "http-v2" },
  { file: `${dotnet}/values-get-all-httpapi-v2-with-stage.json`, kind: "http-v2" },
  { file: `${dotnet}/cookies-get-multiple-httpapi-v2-request.json`, kind: "http-v2" },
  { file: `${dotnet}/values-put-binary-alb-request.json`, kind: "alb", albMultiValue: false },
  { file: `${dotnet}/values-get-querystring-alb-mv-encoding-request.json`, kind: "alb", albMultiValue: true },
  { file: `${bref}/ag-v1-body-base64.json`, kind: "http-v1" },
  { file: `${bref}/ag-v2-body-base64.json`, kind: "http-v2" },
  { file: `${bref}/ag-v1-stage-prefix.json`, kind: "http-v1" },
  { file: `${bref}/ag-v1-header-custom-multivalue.json`, kind: "http-v1" },
  { file: `${bref}/ag-v2-cookies.json`, kind: "http-v2" },
  { file: `${bref}/ag-v2-query-string-multivalue.json`, kind: "http-v2" },
];

/** Fixture files that are not request events: response examples and `sam local generate-event` templates. */
export const nonRequestFixtures: readonly string[] = [
  `${goEvents}/apigw-response.json`,
  `${goEvents}/alb-lambda-target-response.json`,
  `${goEvents}/lambda-urls-response.json`,
  "aws-sam-cli/templates/samcli/lib/generated_sample_events/events/apigateway/AwsProxy.json",
  "aws-sam-cli/templates/samcli/lib/generated_sample_events/events/apigateway/HttpApi.json",
  "aws-sam-cli/templates/samcli/lib/generated_sample_events/events/alb/ALBRequest.json",
];

/** Every `.json` file under the fixture root, relative and with `/` separators (to check the lists are complete). */
export function listFixtureFiles(dir: string = awsEventsDir): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.split(path.sep).join("/"))
    .sort();
}

/** A complete Lambda context for handler tests; only `awsRequestId` varies. */
export function lambdaContext(awsRequestId = "aws-request-id-0001"): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "fleet-test",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:fleet-test",
    memoryLimitInMB: "512",
    awsRequestId,
    logGroupName: "/aws/lambda/fleet-test",
    logStreamName: "2026/11/24/[$LATEST]0000",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
