import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from "aws-lambda";

/** The one route every implementation answers: `GET /v1/greetings/:name` -> `{ "greeting": "Hello, <name>!" }`. */
export const benchName = "Ada";
export const benchPath = `/v1/greetings/${benchName}`;
/** The body every implementation must return for {@link benchPath}; checked before anything is timed. */
export const expectedBody = { greeting: `Hello, ${benchName}!` };

const headers = {
  accept: "application/json",
  host: "abc123.execute-api.eu-west-1.amazonaws.com",
  "user-agent": "fleet-bench/1",
  "x-forwarded-for": "203.0.113.7",
  "x-forwarded-port": "443",
  "x-forwarded-proto": "https",
};

/** A REST API (payload 1.0) proxy event, shaped like the ones API Gateway sends to `ANY /{proxy+}`. */
export function restV1Event(): APIGatewayProxyEvent {
  return {
    resource: "/{proxy+}",
    path: benchPath,
    httpMethod: "GET",
    headers: { ...headers },
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { proxy: benchPath.slice(1) },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      authorizer: null,
      domainName: headers.host,
      domainPrefix: "abc123",
      extendedRequestId: "bench-extended-id",
      httpMethod: "GET",
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: "203.0.113.7",
        user: null,
        userAgent: "fleet-bench/1",
        userArn: null,
      },
      path: `/dev${benchPath}`,
      protocol: "HTTP/1.1",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTimeEpoch: 1700000000000,
      resourceId: "proxy1",
      resourcePath: "/{proxy+}",
      stage: "dev",
    },
  };
}

/** An HTTP API (payload 2.0) event on the `$default` stage. */
export function httpV2Event(): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: benchPath,
    rawQueryString: "",
    headers: { ...headers },
    isBase64Encoded: false,
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: headers.host,
      domainPrefix: "abc123",
      http: { method: "GET", path: benchPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "fleet-bench/1" },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: "$default",
      stage: "$default",
      time: "14/Nov/2023:22:13:20 +0000",
      timeEpoch: 1700000000000,
    },
  };
}

/** A Lambda context good enough for adapters that read `awsRequestId` or the remaining time. */
export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: "fleet-bench",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:fleet-bench",
    memoryLimitInMB: "1024",
    awsRequestId: "8f7e6d5c-0000-4000-8000-000000000000",
    logGroupName: "/aws/lambda/fleet-bench",
    logStreamName: "2026/11/24/[$LATEST]bench",
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The event kinds the invocation benchmark runs, each implementation answering both. */
export const benchEvents = { v1: restV1Event, v2: httpV2Event } as const;
export type BenchEventKind = keyof typeof benchEvents;
