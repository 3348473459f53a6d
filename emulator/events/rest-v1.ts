import { randomUUID } from "node:crypto";
import {
  checkStatusCode,
  isObject,
  MalformedResult,
  responseBody,
  singleValueHeaders,
  type ApiFormat,
  type GatewayResponse,
} from "./format";
import {
  formatRequestTime,
  headerValue,
  matchesMediaType,
  parseQuery,
  shortRequestId,
  withGatewayHeaders,
  type ApiIdentity,
  type ReceivedRequest,
} from "./request";

/**
 * Groups pairs into `{ name: [values...] }` by exact name, arrival order kept. The map has no prototype, so a
 * name such as `constructor` or `__proto__` is a key like any other (on `{}`, `out.constructor` is Object and the
 * push threw: a 502 for `?constructor=1`).
 */
function multiValue(pairs: ReadonlyArray<[string, string]>): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null);
  for (const [name, value] of pairs) (out[name] ??= []).push(value);
  return out;
}

/** `{ name: last value }`: API Gateway keeps only the last of repeated keys in the single-value maps. */
function lastValue(multi: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const name in multi) out[name] = multi[name]!.at(-1) ?? "";
  return out;
}

/**
 * API Gateway REST API, Lambda proxy integration, payload format 1.0, with the platform's single
 * `ANY /{proxy+}` (plus `ANY /`) resource. Field order and types follow a captured event
 * (test/fixtures/aws-events/powertools-lambda-typescript/apigw-rest/no-auth.json).
 */
export const restV1: ApiFormat = {
  kind: "rest",
  requestIdHeader: "x-amzn-RequestId",

  basePath(stage) {
    return `/${stage}`;
  },

  newRequestId() {
    return randomUUID();
  },

  toEvent(request: ReceivedRequest, path: string, api: ApiIdentity, requestId: string) {
    const headerPairs = withGatewayHeaders(request);
    const multiValueHeaders = multiValue(headerPairs);
    const query = multiValue(parseQuery(request.rawQuery));
    const hasQuery = Object.keys(query).length > 0;
    const resource = path === "/" ? "/" : "/{proxy+}";
    // Every body arrives base64 when a binaryMediaTypes pattern matches (the platform sets "*/*").
    const binary = matchesMediaType(headerValue(request.headers, "content-type"), api.binaryMediaTypes);
    const hasBody = request.body.length > 0;
    const userAgent = headerValue(request.headers, "user-agent") ?? null;
    return {
      resource,
      path,
      httpMethod: request.method,
      headers: lastValue(multiValueHeaders),
      multiValueHeaders,
      queryStringParameters: hasQuery ? lastValue(query) : null,
      multiValueQueryStringParameters: hasQuery ? query : null,
      pathParameters: resource === "/" ? null : { proxy: decodePathSafely(path.slice(1)) },
      stageVariables: null,
      requestContext: {
        resourceId: api.apiId.slice(0, 6),
        resourcePath: resource,
        httpMethod: request.method,
        extendedRequestId: shortRequestId(),
        requestTime: formatRequestTime(request.receivedAt),
        path: `/${api.stage}${path === "/" ? "/" : path}`,
        accountId: api.accountId,
        protocol: request.protocol,
        stage: api.stage,
        domainPrefix: api.apiId,
        requestTimeEpoch: request.receivedAt,
        requestId,
        identity: {
          cognitoIdentityPoolId: null,
          accountId: null,
          cognitoIdentityId: null,
          caller: null,
          sourceIp: request.sourceIp,
          principalOrgId: null,
          accessKey: null,
          cognitoAuthenticationType: null,
          cognitoAuthenticationProvider: null,
          userArn: null,
          userAgent,
          user: null,
        },
        domainName: headerValue(request.headers, "host") ?? "127.0.0.1",
        deploymentId: api.apiId.slice(-6),
        apiId: api.apiId,
      },
      body: hasBody ? request.body.toString(binary ? "base64" : "utf8") : null,
      isBase64Encoded: hasBody && binary,
    };
  },

  toResponse(result: unknown): GatewayResponse {
    if (!isObject(result)) throw new MalformedResult(`the result must be an object, got ${JSON.stringify(result)?.slice(0, 80)}`);
    const status = checkStatusCode(result.statusCode);
    const single = singleValueHeaders(result.headers, "headers");
    const multi = multiValueHeaderPairs(result.multiValueHeaders);
    // API Gateway merges both maps; for a name present in multiValueHeaders only those values are kept.
    const multiNames = new Set(multi.map(([name]) => name.toLowerCase()));
    const headers = [...single.filter(([name]) => !multiNames.has(name.toLowerCase())), ...multi];
    return { status, headers, body: responseBody(result.body, result.isBase64Encoded) };
  },
};

function multiValueHeaderPairs(value: unknown): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw new MalformedResult("multiValueHeaders must be an object");
  return Object.entries(value).flatMap(([name, values]) => {
    if (!Array.isArray(values)) throw new MalformedResult(`multiValueHeaders.${name} must be an array`);
    return values.map((v): [string, string] => {
      if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
        throw new MalformedResult(`multiValueHeaders.${name} holds a ${typeof v}`);
      }
      return [name, String(v)];
    });
  });
}

/** `pathParameters` values arrive decoded; an undecodable path is passed as sent. */
function decodePathSafely(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
