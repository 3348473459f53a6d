import type { ApiIdentity, ReceivedRequest } from "./request";

/** The kinds of API Gateway front door the emulator plays. */
export type ApiKind = "rest" | "http";

/** What API Gateway sends back to the client after the function answered. */
export interface GatewayResponse {
  status: number;
  /** Name/value pairs; a name may repeat (Set-Cookie). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** The function's result is not one API Gateway can turn into an HTTP response (it answers 502). */
export class MalformedResult extends Error {
  override name = "MalformedResult";
}

/**
 * One API Gateway payload format: how a request becomes the event and the function's result becomes the
 * HTTP response. Each kind lives in its own file (rest-v1.ts, http-v2.ts); nothing else branches on the kind.
 */
export interface ApiFormat {
  readonly kind: ApiKind;
  /** The path prefix of the regional base URL: `/<stage>` for REST (as execute-api URLs), none for `$default`. */
  basePath(stage: string): string;
  /** The proxy event for `request`; `path` is the request path with the base path removed (at least `/`). */
  toEvent(request: ReceivedRequest, path: string, api: ApiIdentity, requestId: string): unknown;
  /** A fresh request id as this kind of API writes it. */
  newRequestId(): string;
  /** The header carrying the request id back to the client. */
  readonly requestIdHeader: string;
  /** The HTTP response for the function's (JSON-parsed) result; throws MalformedResult when API Gateway would 502. */
  toResponse(result: unknown): GatewayResponse;
}

/** Whether `value` is a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A statusCode API Gateway accepts: an integer HTTP status. */
export function checkStatusCode(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 100 || value > 599) {
    throw new MalformedResult(`statusCode must be an integer HTTP status, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A single-value header map (`headers`): scalar values only. */
export function singleValueHeaders(value: unknown, field: string): Array<[string, string]> {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) throw new MalformedResult(`${field} must be an object`);
  return Object.entries(value).map(([name, v]) => {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean") {
      throw new MalformedResult(`${field}.${name} must be a string, number or boolean`);
    }
    return [name, String(v)];
  });
}

/** The response body bytes: a string, base64-decoded when `isBase64Encoded`; absent/null is empty. */
export function responseBody(body: unknown, isBase64Encoded: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body !== "string") throw new MalformedResult(`body must be a string, got ${typeof body}`);
  if (isBase64Encoded !== undefined && isBase64Encoded !== null && typeof isBase64Encoded !== "boolean") {
    throw new MalformedResult("isBase64Encoded must be a boolean");
  }
  return isBase64Encoded === true ? Buffer.from(body, "base64") : Buffer.from(body, "utf8");
}
