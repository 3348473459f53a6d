import fc from "fast-check";

/** The event kinds AWS delivers to a proxy Lambda, ALB split by its header mode. */
export const eventKinds = ["rest-v1", "http-v1", "http-v2", "function-url", "alb-single", "alb-multi"] as const;
export type GeneratedKind = (typeof eventKinds)[number];

/** One generated request, before it is dressed as a particular event kind. */
export interface RequestModel {
  method: string;
  /** The path as the client sent it (percent-encoding and oddities kept), always starting with `/`. */
  path: string;
  /** Decoded query pairs, in order, repeats allowed. */
  query: Array<[string, string]>;
  /** Raw text appended to encoded queries (invalid escapes, hostile names) where the format carries it raw: v2, ALB. */
  rawQueryNoise: string;
  headers: Array<[string, string]>;
  cookies: Array<[string, string]>;
  body: string | null;
  isBase64Encoded: boolean;
  /** HTTP API stage: `$default` (no prefix in rawPath) or a named stage (rawPath starts with `/<stage>`). */
  stage: string;
}

// Only the methods the front doors pass through `ANY`; the app's answer to anything else is a separate question.
const method = fc.oneof(
  { weight: 3, arbitrary: fc.constant("GET") },
  { weight: 3, arbitrary: fc.constant("POST") },
  { weight: 2, arbitrary: fc.constantFrom("HEAD", "PUT", "DELETE", "PATCH", "OPTIONS") },
);

const pathPiece = fc.constantFrom(
  "a", "Z", "0", "ada", "-", "_", ".", "~", "..", "%20", "%2F", "%2f", "%25", "%00", "%E2%82%AC", "%ZZ", "%", "%E0%A4%A",
  "€", "é", "日本", " ", "+", ";", "=", "@", ":", "!", "$", "'", "(", ")", "*", ",", "&",
);
const segment = fc.array(pathPiece, { maxLength: 6 }).map((pieces) => pieces.join(""));
const knownPath = fc.constantFrom(
  "/", "/health", "/openapi.json", "/docs", "/v1/whoami", "/v1/echo", "/v1/pixel.png", "/v1/greetings", "/v1/greetings/",
  "/V1/WHOAMI", "/health/", "/v1//echo",
);
// Weighted toward real routes, so most cases get past routing into validation and the handlers.
const path = fc.oneof(
  { weight: 3, arbitrary: knownPath },
  { weight: 2, arbitrary: fc.constant("/v1/echo") },
  { weight: 3, arbitrary: segment.map((name) => `/v1/greetings/${name}`) },
  { weight: 1, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((segments) => `/${segments.join("/")}`) },
  { weight: 1, arbitrary: fc.tuple(knownPath, segment).map(([base, tail]) => `${base}${base.endsWith("/") ? "" : "/"}${tail}`) },
);

const visible = fc.stringMatching(/^[\x20-\x7e]{0,24}$/);
const text = fc.oneof({ weight: 4, arbitrary: visible }, { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }) });
/**
 * Names that break code keeping maps in plain objects (`out[name] ??= []` finds Object.prototype's `constructor`;
 * `out.__proto__ = …` replaces the prototype), very long names, and invalid percent-encoding: every map the
 * emulator and the adapter build from an event must take them as names like any other.
 */
export const hostileName = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "__defineGetter__"),
  fc.integer({ min: 256, max: 4096 }).map((length) => "n".repeat(length)),
  fc.constantFrom("%", "%Z", "%ZZ", "%E0%A4%A", "%C3", "%%", "a%2", "%u00e9", "%00"),
);
const queryKey = fc.oneof(fc.constantFrom("lang", "remember", "q", "a[]", "x y", "é", ""), visible, hostileName);
const queryValue = fc.oneof(fc.constantFrom("en", "fr", "de", "xx", "1", "", "EN"), text);
const query = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 5 });
const rawQueryNoise = fc.constantFrom(
  "", "", "", "&%", "&a=%ZZ", "&b=%E0%A4%A", "&&", "&=", "&c=a+b", "&d=%2B%26",
  "&%ZZ=1", "&%E0%A4%A=x", "&%=", "&__proto__=1", "&constructor=1&toString=2", "&__proto__[x]=1&hasOwnProperty=y",
);

const headerName = fc.oneof(
  fc.constantFrom(
    "accept", "accept-encoding", "accept-language", "user-agent", "x-forwarded-for", "x-request-id", "authorization",
    "origin", "content-length", "if-none-match", "x-amzn-trace-id", "Content-Type", "X-Mixed-Case",
  ),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
  // A header name is an HTTP token: the ones above that are, and a long one.
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"),
  fc.integer({ min: 256, max: 4096 }).map((length) => `x-${"h".repeat(length)}`),
);
const headers = fc.array(fc.tuple(headerName, text), { maxLength: 6 });
const cookieName = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/);
const cookies = fc.array(fc.tuple(cookieName, fc.stringMatching(/^[A-Za-z0-9%._=-]{0,16}$/)), { maxLength: 4 });
const contentType = fc.constantFrom(
  undefined, "application/json", "application/json", "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "text/plain",
  "application/problem+json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "*/*", "garbage",
);

const echoBody = fc.record(
  { message: fc.string({ minLength: 0, maxLength: 40 }), tags: fc.array(fc.string({ maxLength: 40 }), { maxLength: 12 }) },
  { requiredKeys: ["message"] },
);
const body: fc.Arbitrary<{ body: string | null; isBase64Encoded: boolean }> = fc.oneof(
  // Past the 64 KiB JSON limit (413), well under API Gateway's 10 MB.
  fc.integer({ min: 65_537, max: 80_000 }).map((size) => ({ body: JSON.stringify({ message: "x".repeat(size) }), isBase64Encoded: false })),
  fc.constant({ body: null, isBase64Encoded: false }),
  echoBody.map((value) => ({ body: JSON.stringify(value), isBase64Encoded: false })),
  echoBody.map((value) => ({ body: Buffer.from(JSON.stringify(value)).toString("base64"), isBase64Encoded: true })),
  fc.json({ maxDepth: 3 }).map((json) => ({ body: json, isBase64Encoded: false })),
  fc.string({ maxLength: 60 }).map((raw) => ({ body: raw, isBase64Encoded: false })),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ body: Buffer.from(bytes).toString("base64"), isBase64Encoded: true })),
  fc.constantFrom("***", "abc", "a===", "Zm9v!", "====", "Zm9vYmFy\n", "%%%", "").map((raw) => ({ body: raw, isBase64Encoded: true })),
);

/** A random request; dress it with {@link toEvent}. */
export const requestModel: fc.Arbitrary<RequestModel> = fc
  .record({
    method,
    path,
    query,
    rawQueryNoise,
    headers,
    cookies,
    contentType,
    body,
    stage: fc.constantFrom("$default", "$default", "dev", "prod"),
  })
  .map(({ contentType: type, body: payload, ...rest }) => ({
    ...rest,
    headers: type === undefined ? rest.headers : [...rest.headers, ["content-type", type] as [string, string]],
    ...payload,
  }));

/**
 * Dresses a request as one event kind the way AWS builds it: REST/HTTP 1.0 decode query values and send `null`
 * maps when empty (`nullMaps` also nulls the header maps, as console test invocations do); HTTP API 2.0 and
 * Function URLs join repeated headers with `,`, carry cookies apart and keep the raw query; ALB keeps query values
 * encoded and uses either single- or multi-value maps.
 */
export function toEvent(kind: GeneratedKind, model: RequestModel, nullMaps: boolean): Record<string, unknown> {
  const cookieHeader = model.cookies.map(([name, value]) => `${name}=${value}`).join("; ");
  const allHeaders: Array<[string, string]> = cookieHeader ? [...model.headers, ["cookie", cookieHeader]] : model.headers;
  const body = model.body;
  switch (kind) {
    case "rest-v1":
    case "http-v1": {
      const decoded = model.query;
      return {
        ...(kind === "http-v1" ? { version: "1.0" } : {}),
        resource: "/{proxy+}",
        path: model.path,
        httpMethod: model.method,
        headers: allHeaders.length === 0 && nullMaps ? null : singleMap(allHeaders),
        multiValueHeaders: allHeaders.length === 0 && nullMaps ? null : multiMap(allHeaders),
        queryStringParameters: decoded.length === 0 ? null : singleMap(decoded),
        multiValueQueryStringParameters: decoded.length === 0 ? null : multiMap(decoded),
        pathParameters: { proxy: model.path.slice(1) },
        stageVariables: null,
        body,
        isBase64Encoded: model.isBase64Encoded,
        requestContext: {
          accountId: "123456789012",
          apiId: "abc123",
          resourcePath: "/{proxy+}",
          httpMethod: model.method,
          requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
          stage: model.stage === "$default" ? "dev" : model.stage,
          identity: { sourceIp: "203.0.113.7", userAgent: null, user: null, caller: null },
          authorizer: null,
        },
      };
    }
    case "http-v2":
    case "function-url": {
      const stage = kind === "function-url" ? "$default" : model.stage;
      const rawPath = stage === "$default" ? model.path : `/${stage}${model.path}`;
      const rawQueryString = encodeQuery(model.query) + (model.query.length > 0 ? model.rawQueryNoise : "");
      const headerMap = Object.fromEntries(
        [...multiMapEntries(model.headers)].map(([name, values]) => [name.toLowerCase(), values.join(",")]),
      );
      return {
        version: "2.0",
        routeKey: "$default",
        rawPath,
        rawQueryString,
        ...(model.cookies.length > 0 ? { cookies: model.cookies.map(([name, value]) => `${name}=${value}`) } : {}),
        headers: headerMap,
        ...(model.query.length > 0 ? { queryStringParameters: Object.fromEntries([...multiMapEntries(model.query)].map(([k, v]) => [k, v.join(",")])) } : {}),
        requestContext: {
          accountId: kind === "function-url" ? "anonymous" : "123456789012",
          apiId: "abc123",
          domainName: kind === "function-url" ? "abc123.lambda-url.eu-west-1.on.aws" : "abc123.execute-api.eu-west-1.amazonaws.com",
          domainPrefix: "abc123",
          http: { method: model.method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "fuzz" },
          requestId: "JKJaXmPLvHcESHA=",
          routeKey: "$default",
          stage,
          time: "24/Nov/2026:23:00:00 +0000",
          timeEpoch: 1795993200000,
        },
        ...(body === null ? {} : { body }),
        isBase64Encoded: model.isBase64Encoded,
      };
    }
    case "alb-single":
    case "alb-multi": {
      // ALB hands query keys and values over exactly as the client encoded them.
      const encoded = model.query.map(([key, value]): [string, string] => [encodeURIComponent(key), encodeURIComponent(value)]);
      // ALB passes raw (possibly invalid) encodings through: the noise goes into its maps as sent.
      if (model.query.length > 0) {
        for (const part of model.rawQueryNoise.split("&").filter((p) => p !== "")) {
          const eq = part.indexOf("=");
          encoded.push(eq === -1 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)]);
        }
      }
      const lower = allHeaders.map(([name, value]): [string, string] => [name.toLowerCase(), value]);
      const maps =
        kind === "alb-single"
          ? { queryStringParameters: singleMap(encoded), headers: singleMap(lower) }
          : { multiValueQueryStringParameters: multiMap(encoded), multiValueHeaders: multiMap(lower) };
      return {
        requestContext: { elb: { targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/fleet/abc" } },
        httpMethod: model.method,
        path: model.path,
        ...maps,
        body: body ?? "",
        isBase64Encoded: model.isBase64Encoded,
      };
    }
  }
}

function singleMap(pairs: Array<[string, string]>): Record<string, string> {
  return Object.fromEntries(pairs);
}

function multiMapEntries(pairs: Array<[string, string]>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, value] of pairs) map.set(key, [...(map.get(key) ?? []), value]);
  return map;
}

function multiMap(pairs: Array<[string, string]>): Record<string, string[]> {
  return Object.fromEntries(multiMapEntries(pairs));
}

function encodeQuery(pairs: Array<[string, string]>): string {
  return pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&");
}
