import { problem, problemContentType } from "../errors";
import type { HttpResult } from "./http-exchange";

/** A problem+json result the adapter answers itself, when it cannot (400) or must not (500) hand the request to Koa. */
export function problemResult(status: number, detail: string, requestId: string): HttpResult {
  const body = Buffer.from(JSON.stringify(problem(status, detail, requestId)), "utf8");
  return {
    statusCode: status,
    headers: {
      "content-type": [problemContentType],
      "content-length": [String(body.length)],
      "x-request-id": [requestId],
      // As the app's own error responses: never sniffed, never cached.
      "x-content-type-options": ["nosniff"],
      "cache-control": ["no-store"],
    },
    body,
  };
}
