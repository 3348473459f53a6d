import * as z from "zod/mini";
import { decodeEventBody } from "../base64";
import type { HttpResult, NormalizedRequest } from "../http-exchange";
import { encodeDecodedQuery } from "../query-string";
import { foldRequestHeaders } from "../request-headers";
import { namedStagePrefix, stripPathPrefix, toRequestPath } from "../request-path";
import { encodeResponseBody } from "../response-body";
import { splitByValueCount } from "../response-headers";
import {
  type EventProcessor,
  hasPayloadV1Fields,
  isNullishString,
  isObject,
  isOptionalString,
  type LambdaResult,
  lazySchema,
  parseEvent,
  payloadV1Fields,
} from "./event-processor";

/** The format's zod schema: the types, and the error message when {@link isApiGatewayV1Event} fails. */
export const apiGatewayV1EventSchema = lazySchema(() =>
  z.object({
    version: z.optional(z.string()),
    ...payloadV1Fields(),
    requestContext: z.object({
      requestId: z.optional(z.string()),
      stage: z.optional(z.string()),
      identity: z.nullish(z.object({ sourceIp: z.nullish(z.string()) })),
    }),
  }),
);
export type ApiGatewayV1Event = z.infer<ReturnType<typeof apiGatewayV1EventSchema>>;

/** {@link ApiGatewayV1Event}, checked by hand (see parseEvent). */
export function isApiGatewayV1Event(event: unknown): event is ApiGatewayV1Event {
  if (!isObject(event)) return false;
  const { requestContext } = event;
  if (!isObject(requestContext)) return false;
  const { identity } = requestContext;
  return (
    isOptionalString(event.version) &&
    hasPayloadV1Fields(event) &&
    isOptionalString(requestContext.requestId) &&
    isOptionalString(requestContext.stage) &&
    (identity === undefined || identity === null || (isObject(identity) && isNullishString(identity.sourceIp)))
  );
}

/**
 * API Gateway payload format 1.0: REST APIs (no `version`) and HTTP APIs set to 1.0 (`version: "1.0"`).
 * A REST `path` holds no stage; an HTTP API's holds its named stage, stripped here as a whole leading segment
 * (see namedStagePrefix). Query values arrive decoded; headers come in `headers` and `multiValueHeaders`, merged.
 */
export class ApiGatewayV1Processor implements EventProcessor {
  readonly kind;
  readonly requestId;
  private readonly event: ApiGatewayV1Event;

  constructor(event: unknown) {
    this.event = parseEvent(apiGatewayV1EventSchema, isApiGatewayV1Event, event, "API Gateway payload 1.0");
    this.kind = this.event.version === "1.0" ? ("http-v1" as const) : ("rest-v1" as const);
    this.requestId = this.event.requestContext.requestId;
  }

  toRequest(basePath: string | undefined): NormalizedRequest {
    const { event } = this;
    const body = decodeEventBody(event.body, event.isBase64Encoded);
    const stagePrefix = this.kind === "http-v1" ? namedStagePrefix(event.requestContext.stage) : undefined;
    return {
      method: event.httpMethod,
      path: toRequestPath(stripPathPrefix(stripPathPrefix(event.path, stagePrefix), basePath)),
      query: encodeDecodedQuery(event.multiValueQueryStringParameters, event.queryStringParameters),
      headers: foldRequestHeaders(event.headers, event.multiValueHeaders),
      body,
      sourceIp: event.requestContext.identity?.sourceIp ?? undefined,
    };
  }

  toResponse(result: HttpResult): LambdaResult {
    // No header in both maps: API Gateway merges them, and a value in both would be sent twice.
    return { statusCode: result.statusCode, ...splitByValueCount(result.headers), ...encodeResponseBody(result) };
  }
}
