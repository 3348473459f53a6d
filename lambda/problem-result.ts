import type { HttpResult } from "./http-exchange";
import { alwaysHeaders, apiContentSecurityPolicy } from "./middleware/security-headers";
import { problem, problemContentType } from "./problem";

/** A problem+json result the adapter answers itself, when it cannot (400) or must not (500) hand the request to Koa. */
export function problemResult(status: number, detail: string, requestId: string): HttpResult {
  const body = Buffer.from(JSON.stringify(problem(status, detail, requestId)), "utf8");
  return {
    statusCode: status,
    headers: {
      "content-type": [problemContentType],
      "content-length": [String(body.length)],
      "x-request-id": [requestId],
      // The same security headers as the app's own error responses: never sniffed, framed or cached.
      ...Object.fromEntries(Object.entries(alwaysHeaders).map(([name, value]) => [name, [value]])),
      "content-security-policy": [apiContentSecurityPolicy],
      "cache-control": ["no-store"],
    },
    body,
  };
}
