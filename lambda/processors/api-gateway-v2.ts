import * as z from "zod/mini";
import { decodeEventBody } from "../base64";
import type { HttpResult, NormalizedRequest } from "../http-exchange";
import { foldRequestHeaders } from "../request-headers";
import { boundedQuery } from "../query-string";
import { namedStagePrefix, stripPathPrefix, toRequestPath } from "../request-path";
import { encodeResponseBody } from "../response-body";
import { joinHeaderValues } from "../response-headers";
import {
  type EventProcessor,
  isNullishBoolean,
  isNullishString,
  isObject,
  isOptionalString,
  isSingleValueMap,
  isStringArray,
  type LambdaResult,
  lazySchema,
  parseEvent,
  singleValueMap,
} from "./event-processor";

/** The format's zod schema: the types, and the error message when {@link isApiGatewayV2Event} fails. */
export const apiGatewayV2EventSchema = lazySchema(() =>
  z.object({
    version: z.literal("2.0"),
    rawPath: z.string(),
    rawQueryString: z.nullish(z.string()),
    cookies: z.nullish(z.array(z.string())),
    headers: singleValueMap(),
    body: z.nullish(z.string()),
    isBase64Encoded: z.nullish(z.boolean()),
    requestContext: z.object({
      requestId: z.optional(z.string()),
      domainName: z.optional(z.string()),
      stage: z.optional(z.string()),
      http: z.object({ method: z.string(), sourceIp: z.nullish(z.string()) }),
    }),
  }),
);
export type ApiGatewayV2Event = z.infer<ReturnType<typeof apiGatewayV2EventSchema>>;

/** {@link ApiGatewayV2Event}, checked by hand (see parseEvent). */
export function isApiGatewayV2Event(event: unknown): event is ApiGatewayV2Event {
  if (!isObject(event)) return false;
  const { requestContext } = event;
  if (!isObject(requestContext)) return false;
  const { http } = requestContext;
  return (
    event.version === "2.0" &&
    typeof event.rawPath === "string" &&
    isNullishString(event.rawQueryString) &&
    (event.cookies === undefined || event.cookies === null || isStringArray(event.cookies)) &&
    isSingleValueMap(event.headers) &&
    isNullishString(event.body) &&
    isNullishBoolean(event.isBase64Encoded) &&
    isOptionalString(requestContext.requestId) &&
    isOptionalString(requestContext.domainName) &&
    isOptionalString(requestContext.stage) &&
    isObject(http) &&
    typeof http.method === "string" &&
    isNullishString(http.sourceIp)
  );
}

// Function URLs answer on <url-id>.lambda-url.<region>.on.aws; their events are payload 2.0 with no real stage.
const functionUrlDomain = /\.lambda-url\.[^.]+\.on\.aws$/;

/**
 * Payload format 2.0: HTTP APIs and Lambda Function URLs. `rawPath` carries a named stage (`/beta/...`) but
 * not `$default`; `rawQueryString` is passed verbatim; cookies come apart in `cookies[]` and go back in `cookies`.
 */
export class ApiGatewayV2Processor implements EventProcessor {
  readonly kind;
  readonly requestId;
  private readonly event: ApiGatewayV2Event;

  constructor(event: unknown) {
    this.event = parseEvent(apiGatewayV2EventSchema, isApiGatewayV2Event, event, "payload 2.0");
    const domainName = this.event.requestContext.domainName ?? "";
    this.kind = functionUrlDomain.test(domainName) ? ("function-url" as const) : ("http-v2" as const);
    this.requestId = this.event.requestContext.requestId;
  }

  toRequest(basePath: string | undefined): NormalizedRequest {
    const { event } = this;
    const body = decodeEventBody(event.body, event.isBase64Encoded);
    const headers = foldRequestHeaders(event.headers);
    // cookies[] is the authoritative list; Function URLs may also repeat it in a cookie header.
    if (event.cookies && event.cookies.length > 0) headers["cookie"] = event.cookies.join("; ");
    const stagePrefix = this.kind === "http-v2" ? namedStagePrefix(event.requestContext.stage) : undefined;
    return {
      method: event.requestContext.http.method,
      path: toRequestPath(stripPathPrefix(stripPathPrefix(event.rawPath, stagePrefix), basePath)),
      query: boundedQuery(event.rawQueryString ?? ""),
      headers,
      body,
      sourceIp: event.requestContext.http.sourceIp ?? undefined,
    };
  }

  toResponse(result: HttpResult): LambdaResult {
    return {
      statusCode: result.statusCode,
      headers: joinHeaderValues(result.headers, ["set-cookie"]),
      cookies: [...(result.headers["set-cookie"] ?? [])],
      ...encodeResponseBody(result),
    };
  }
}
