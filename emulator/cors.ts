import type { GatewayResponse } from "./events/format";
import { headerValue } from "./events/request";

/**
 * An HTTP API's CORS configuration as the platform deploys it (stacks/components/http-api.ts: the stage's
 * `fleet:cors` origins, every method, every header, a 600 s preflight cache).
 */
export interface CorsConfig {
  /** Allowed origins (`scheme://host[:port]`), or `*`. */
  origins: readonly string[];
}

const allowMethods = "*";
const allowHeaders = "*";
const maxAgeSeconds = "600";

/** The allowed-origin value for `origin`, or undefined when the configuration does not allow it. */
function allowedOrigin(cors: CorsConfig, origin: string | undefined): string | undefined {
  if (origin === undefined) return undefined;
  if (cors.origins.includes("*")) return "*";
  return cors.origins.includes(origin) ? origin : undefined;
}

/** Whether the request is a browser's CORS preflight (OPTIONS with Origin and Access-Control-Request-Method). */
export function isPreflight(method: string, headers: ReadonlyArray<[string, string]>): boolean {
  return method === "OPTIONS" && headerValue(headers, "origin") !== undefined && headerValue(headers, "access-control-request-method") !== undefined;
}

/**
 * API Gateway's own answer to a preflight once CORS is configured: 204, never reaching the function; the CORS
 * headers only when the origin is allowed.
 */
export function preflightResponse(cors: CorsConfig, headers: ReadonlyArray<[string, string]>): GatewayResponse {
  const origin = allowedOrigin(cors, headerValue(headers, "origin"));
  const corsHeaders: Array<[string, string]> = origin
    ? [
        ["access-control-allow-origin", origin],
        ["access-control-allow-methods", allowMethods],
        ["access-control-allow-headers", allowHeaders],
        ["access-control-max-age", maxAgeSeconds],
      ]
    : [];
  return { status: 204, headers: corsHeaders, body: Buffer.alloc(0) };
}

/**
 * The function's response as API Gateway sends it with CORS configured: the function's own `access-control-*`
 * headers dropped (API Gateway ignores them), `access-control-allow-origin` added for an allowed origin.
 */
export function withCorsHeaders(cors: CorsConfig, requestHeaders: ReadonlyArray<[string, string]>, response: GatewayResponse): GatewayResponse {
  const headers = response.headers.filter(([name]) => !name.toLowerCase().startsWith("access-control-"));
  const origin = allowedOrigin(cors, headerValue(requestHeaders, "origin"));
  if (origin) headers.push(["access-control-allow-origin", origin]);
  return { ...response, headers };
}
