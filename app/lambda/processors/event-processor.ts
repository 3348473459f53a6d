import type { ALBResult, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod/mini";
import type { EventKind } from "../../lambda-state";
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
  /** @throws InvalidBase64BodyError when the body is flagged base64 but is not */
  toRequest(basePath: string | undefined): NormalizedRequest;
  toResponse(result: HttpResult, context: ResponseContext): LambdaResult;
}

/** Raised when an event is not one this adapter understands: a deployment problem, answered with a 500. */
export class UnsupportedEventError extends Error {
  override name = "UnsupportedEventError";
}

/** Parses an event with its format's schema; the error names every bad field (`event.requestContext.http`). */
export function parseEvent<T extends z.ZodMiniType>(schema: T, event: unknown, format: string): z.infer<T> {
  const parsed = schema.safeParse(event);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `event.${issue.path.join(".")}: ${issue.message}`);
    throw new UnsupportedEventError(`not a valid ${format} event (${fields.join("; ")})`);
  }
  return parsed.data;
}

/** Schema pieces the formats share. */
export const SingleValueMap = z.nullish(z.record(z.string(), z.string()));
export const MultiValueMap = z.nullish(z.record(z.string(), z.array(z.string())));
