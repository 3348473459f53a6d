import type { ALBResult, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod/mini";
import type { EventKind } from "../lambda-state";
import type { HttpResult, NormalizedRequest } from "../http-exchange";

/** What a handler returns, in whichever shape the event's front door expects. */
export type LambdaResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/** One structured log line; the adapter writes it as JSON. */
export type LogEntry = { level: "WARN" | "ERROR"; message: string } & Record<string, unknown>;

/** What formatting a response may need besides the result itself. */
export interface ResponseContext {
  requestId: string;
  log: (entry: LogEntry) => void;
}

/**
 * One event format (REST v1, HTTP API v2, Function URL, ALB): the only place that knows where that format keeps
 * the path, query, headers, cookies and body, and how it wants the response back (hono's EventProcessor idea).
 */
export interface EventProcessor {
  readonly kind: EventKind;
  /** The front door's own request id, when the format has one (ALB has none). */
  readonly requestId: string | undefined;
  /** @throws RejectedRequestError when the adapter answers itself: a body flagged base64 that is not, a query past its bounds */
  toRequest(basePath: string | undefined): NormalizedRequest;
  toResponse(result: HttpResult, context: ResponseContext): LambdaResult;
}

/** Raised when an event is not one this adapter understands: a deployment problem, answered with a 500. */
export class UnsupportedEventError extends Error {
  override name = "UnsupportedEventError";
}

/**
 * Checks an event against its format: `fits` first, a hand-written check of the same shape that runs on every
 * invocation (zod's parse cost ~6 µs per event, measured with `npm run bench`), then, only when it fails, the zod
 * schema for an error that names every bad field (`event.requestContext.http`). `schema` builds it on first use
 * ({@link lazySchema}): building the three formats' schemas cost ~2 ms of every cold start.
 * @throws UnsupportedEventError when the event does not fit the schema
 */
export function parseEvent<T extends z.ZodMiniType>(
  schema: () => T,
  fits: (event: unknown) => event is z.infer<T>,
  event: unknown,
  format: string,
): z.infer<T> {
  if (fits(event)) return event;
  const parsed = schema().safeParse(event);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `event.${issue.path.join(".")}: ${issue.message}`);
    throw new UnsupportedEventError(`not a valid ${format} event (${fields.join("; ")})`);
  }
  return parsed.data;
}

/** A schema built on its first call, then reused. */
export function lazySchema<T extends z.ZodMiniType>(build: () => T): () => T {
  let schema: T | undefined;
  return () => (schema ??= build());
}

/** Schema pieces the formats share. */
export const singleValueMap = () => z.nullish(z.record(z.string(), z.string()));
export const multiValueMap = () => z.nullish(z.record(z.string(), z.array(z.string())));

/** What payload 1.0 and ALB events share: request line, single- and multi-value headers and query, body. */
export const payloadV1Fields = () => ({
  httpMethod: z.string(),
  path: z.string(),
  headers: singleValueMap(),
  multiValueHeaders: multiValueMap(),
  queryStringParameters: singleValueMap(),
  multiValueQueryStringParameters: multiValueMap(),
  body: z.nullish(z.string()),
  isBase64Encoded: z.nullish(z.boolean()),
});

/** The hand-written checks `parseEvent` runs first; each accepts exactly what its zod counterpart accepts. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `z.nullish(z.string())` */
export function isNullishString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === "string";
}

/** `z.optional(z.string())` */
export function isOptionalString(value: unknown): value is string | undefined {
  return value === undefined || typeof value === "string";
}

/** `z.nullish(z.boolean())` */
export function isNullishBoolean(value: unknown): value is boolean | null | undefined {
  return value === undefined || value === null || typeof value === "boolean";
}

/** {@link singleValueMap} */
export function isSingleValueMap(value: unknown): value is Record<string, string> | null | undefined {
  if (value === undefined || value === null) return true;
  if (!isObject(value)) return false;
  for (const key in value) if (typeof value[key] !== "string") return false;
  return true;
}

/** {@link multiValueMap} */
export function isMultiValueMap(value: unknown): value is Record<string, string[]> | null | undefined {
  if (value === undefined || value === null) return true;
  if (!isObject(value)) return false;
  for (const key in value) if (!isStringArray(value[key])) return false;
  return true;
}

/** `z.array(z.string())` */
export function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

/** {@link payloadV1Fields} */
export function hasPayloadV1Fields(event: Record<string, unknown>): boolean {
  return (
    typeof event.httpMethod === "string" &&
    typeof event.path === "string" &&
    isSingleValueMap(event.headers) &&
    isMultiValueMap(event.multiValueHeaders) &&
    isSingleValueMap(event.queryStringParameters) &&
    isMultiValueMap(event.multiValueQueryStringParameters) &&
    isNullishString(event.body) &&
    isNullishBoolean(event.isBase64Encoded)
  );
}
