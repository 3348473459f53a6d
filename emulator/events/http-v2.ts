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
  parseQuery,
  shortRequestId,
  withGatewayHeaders,
  type ApiIdentity,
  type ReceivedRequest,
} from "./request";

/**
 * Content types an HTTP API passes as text; any other body arrives base64 with `isBase64Encoded: true`.
 * (HTTP APIs have no binaryMediaTypes setting.)
 */
function isTextContentType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return (
    type.startsWith("text/") ||
    /^application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded|graphql|yaml)$/.test(type)
  );
}

/**
 * API Gateway HTTP API, Lambda proxy integration, payload format 2.0, `$default` route on the `$default`
 * stage. Field order and types follow a captured event
 * (test/fixtures/aws-events/aws-lambda-go/events/testdata/apigw-v2-request-no-authorizer.json).
 * Empty `cookies`, `queryStringParameters` and `body` are left out, as HTTP APIs do.
 */
export const httpV2: ApiFormat = {
  kind: "http",
  requestIdHeader: "apigw-requestid",

  basePath() {
    return "";
  },

  newRequestId() {
    return shortRequestId();
  },

  toEvent(request: ReceivedRequest, path: string, api: ApiIdentity, requestId: string) {
    // No prototype: `constructor` or `__proto__` is a name like any other (`name in {}` found Object's own).
    const headers: Record<string, string> = Object.create(null);
    const cookies: string[] = [];
    for (const [name, value] of withGatewayHeaders(request)) {
      const lower = name.toLowerCase();
      // Cookie headers become the cookies[] array (split on ';') and leave the header map.
      if (lower === "cookie") cookies.push(...value.split(";").map((c) => c.trim()).filter((c) => c !== ""));
      else headers[lower] = lower in headers ? `${headers[lower]},${value}` : value;
    }
    const query: Record<string, string> = Object.create(null);
    for (const [name, value] of parseQuery(request.rawQuery)) query[name] = name in query ? `${query[name]},${value}` : value;
    const contentType = headerValue(request.headers, "content-type");
    const isBase64Encoded = request.body.length > 0 && !isTextContentType(contentType);
    const userAgent = headerValue(request.headers, "user-agent") ?? "";
    return {
      version: "2.0",
      routeKey: "$default",
      rawPath: path,
      rawQueryString: request.rawQuery,
      ...(cookies.length > 0 ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
      requestContext: {
        accountId: api.accountId,
        apiId: api.apiId,
        domainName: headers.host ?? "127.0.0.1",
        domainPrefix: api.apiId,
        http: {
          method: request.method,
          path,
          protocol: request.protocol,
          sourceIp: request.sourceIp,
          userAgent,
        },
        requestId,
        routeKey: "$default",
        stage: "$default",
        time: formatRequestTime(request.receivedAt),
        timeEpoch: request.receivedAt,
      },
      ...(request.body.length > 0 ? { body: request.body.toString(isBase64Encoded ? "base64" : "utf8") } : {}),
      isBase64Encoded,
    };
  },

  toResponse(result: unknown): GatewayResponse {
    // Payload 2.0 infers the response when there is no statusCode: the result itself is a 200 JSON body.
    if (!isObject(result) || !("statusCode" in result)) {
      if (result === undefined || result === null) throw new MalformedResult("the function returned nothing");
      const body = typeof result === "string" ? result : JSON.stringify(result);
      return { status: 200, headers: [["content-type", "application/json"]], body: Buffer.from(body, "utf8") };
    }
    const status = checkStatusCode(result.statusCode);
    const headers = singleValueHeaders(result.headers, "headers");
    if (result.cookies !== undefined && result.cookies !== null) {
      if (!Array.isArray(result.cookies) || !result.cookies.every((c) => typeof c === "string")) {
        throw new MalformedResult("cookies must be an array of strings");
      }
      for (const cookie of result.cookies) headers.push(["set-cookie", cookie]);
    }
    return { status, headers, body: responseBody(result.body, result.isBase64Encoded) };
  },
};
