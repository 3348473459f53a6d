import { STATUS_CODES } from "node:http";
import * as z from "zod/mini";
import { decodeEventBody } from "../base64";
import type { HttpResult, NormalizedRequest } from "../http-exchange";
import { joinEncodedQuery } from "../query-string";
import { foldRequestHeaders } from "../request-headers";
import { stripPathPrefix, toRequestPath } from "../request-path";
import { encodeResponseBody } from "../response-body";
import { joinHeaderValues, putHeader } from "../response-headers";
import {
  type EventProcessor,
  hasPayloadV1Fields,
  isObject,
  isOptionalString,
  type LambdaResult,
  lazySchema,
  parseEvent,
  payloadV1Fields,
  type ResponseContext,
} from "./event-processor";

/** The format's zod schema: the types, and the error message when {@link isAlbEvent} fails. */
export const albEventSchema = lazySchema(() =>
  z.object({
    ...payloadV1Fields(),
    requestContext: z.object({ elb: z.object({ targetGroupArn: z.optional(z.string()) }) }),
  }),
);
export type AlbEvent = z.infer<ReturnType<typeof albEventSchema>>;

/** {@link AlbEvent}, checked by hand (see parseEvent). */
export function isAlbEvent(event: unknown): event is AlbEvent {
  if (!isObject(event)) return false;
  const { requestContext } = event;
  return (
    hasPayloadV1Fields(event) &&
    isObject(requestContext) &&
    isObject(requestContext.elb) &&
    isOptionalString(requestContext.elb.targetGroupArn)
  );
}

/** ALB wants the status line's text too ("200 OK"). */
export function statusDescription(statusCode: number): string {
  return `${statusCode} ${STATUS_CODES[statusCode] ?? "Unknown"}`;
}

/**
 * Application Load Balancer target events. The target group's multi-value setting decides the shape both ways:
 * on, the event has `multiValueHeaders` and ALB reads only `multiValueHeaders` back; off, single values only.
 * Query values arrive still percent-encoded. There is no request id, and the client is the last X-Forwarded-For hop.
 */
export class AlbProcessor implements EventProcessor {
  readonly kind = "alb" as const;
  readonly requestId = undefined;
  private readonly event: AlbEvent;
  private readonly multiValue: boolean;

  constructor(event: unknown) {
    this.event = parseEvent(albEventSchema, isAlbEvent, event, "ALB");
    this.multiValue = Boolean(this.event.multiValueHeaders);
  }

  toRequest(basePath: string | undefined): NormalizedRequest {
    const { event } = this;
    const body = decodeEventBody(event.body, event.isBase64Encoded);
    const headers = foldRequestHeaders(event.headers, event.multiValueHeaders);
    return {
      method: event.httpMethod,
      path: toRequestPath(stripPathPrefix(event.path, basePath)),
      query: joinEncodedQuery(event.multiValueQueryStringParameters, event.queryStringParameters),
      headers,
      body,
      sourceIp: headers["x-forwarded-for"]?.split(",").at(-1)?.trim() || undefined,
    };
  }

  toResponse(result: HttpResult, context: ResponseContext): LambdaResult {
    const base = { statusCode: result.statusCode, statusDescription: statusDescription(result.statusCode), ...encodeResponseBody(result) };
    if (this.multiValue) {
      const multiValueHeaders: Record<string, string[]> = {};
      for (const name in result.headers) putHeader(multiValueHeaders, name, [...result.headers[name]!]);
      return { ...base, multiValueHeaders };
    }
    const headers = joinHeaderValues(result.headers, ["set-cookie"]);
    const cookies = result.headers["set-cookie"] ?? [];
    // One header, one value: a second Set-Cookie cannot be carried. Keep the first (the app's first intent).
    if (cookies[0] !== undefined) headers["set-cookie"] = cookies[0];
    if (cookies.length > 1) {
      context.log({
        level: "WARN",
        message: "ALB target group has multi-value headers off: only the first Set-Cookie is sent",
        droppedCookies: cookies.length - 1,
        requestId: context.requestId,
      });
    }
    return { ...base, headers };
  }
}
