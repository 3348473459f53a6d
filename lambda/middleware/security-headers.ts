import type { Context, Middleware } from "koa";
import type { DefaultHeaders, FleetState } from "../lambda-state";

/** CSP for an API: nothing may load, nothing may frame it. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Headers every response carries, errors included (the Lambda adapter's own 400/500 answers too). */
export const alwaysHeaders: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

/** Every header {@link securityHeaders} sets, as name/value pairs built once: a route may override the last two. */
export const baselineHeaders: DefaultHeaders = Object.entries({
  ...alwaysHeaders,
  "content-security-policy": apiContentSecurityPolicy,
  "cache-control": "no-store",
});

/**
 * Sets the security headers and the defaults a route may override afterwards (the API CSP and
 * `cache-control: no-store`). Under fleet's Lambda adapter they go to the invocation's `defaultHeaders`, which the
 * adapter writes into the result under each name the response lacks: Node validates every name and value per
 * setHeader call (~4 µs a request for these seven). Elsewhere (supertest, `app.listen`) one pass of setHeader.
 * Koa never sets `x-powered-by`; removing it covers a header set before this runs.
 */
export function setSecurityHeaders(ctx: Pick<Context, "res"> & { state: Partial<FleetState> }): void {
  const { res } = ctx;
  const lambda = ctx.state.lambda;
  if (lambda) lambda.defaultHeaders = baselineHeaders;
  else for (const [name, value] of baselineHeaders) res.setHeader(name, value);
  if (res.hasHeader("x-powered-by")) res.removeHeader("x-powered-by");
}

/** Middleware form of {@link setSecurityHeaders}: mount it after requestContext(); routes can override. */
export function securityHeaders(): Middleware<FleetState> {
  return async function addSecurityHeaders(ctx, next) {
    setSecurityHeaders(ctx);
    await next();
  };
}
