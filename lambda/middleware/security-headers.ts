import type { Context, Middleware } from "koa";
import type { DefaultHeaders } from "../lambda-state";
import type { AppState } from "../../app/state";

/** CSP for everything but the docs page: nothing may load, nothing may frame it. */
export const apiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Headers every response carries, errors included (the Lambda adapter's own 400/500 answers too). */
export const alwaysHeaders: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

/**
 * Every header this middleware sets, as name/value pairs built once. app/lambda.ts hands the same list to the
 * Lambda adapter, which writes them straight into the result.
 */
export const baselineHeaders: DefaultHeaders = Object.entries({
  ...alwaysHeaders,
  "content-security-policy": apiContentSecurityPolicy,
  "cache-control": "no-store",
});

/**
 * Sets the security headers and the defaults a route may override afterwards:
 * the API CSP and `cache-control: no-store`. The error handler calls it again after it resets headers.
 * One pass over precomputed pairs straight to `res.setHeader` (Koa's `ctx.set(object)` re-walks and re-checks
 * them on every request), skipped when the Lambda adapter adds this very list to the result where the response
 * lacks a name: Node validates every name and value per setHeader call (~4 µs a request for these seven).
 * Koa never sets `x-powered-by`; removing it covers a header set before this runs.
 */
export function setSecurityHeaders(ctx: Pick<Context, "res"> & { state: Pick<AppState, "lambda"> }): void {
  const { res } = ctx;
  if (ctx.state.lambda?.defaultHeaders !== baselineHeaders) {
    for (const [name, value] of baselineHeaders) res.setHeader(name, value);
  }
  if (res.hasHeader("x-powered-by")) res.removeHeader("x-powered-by");
}

/** Middleware form of {@link setSecurityHeaders}; headers are set before the route runs, so routes can override. */
export function securityHeaders(): Middleware<AppState> {
  return async function addSecurityHeaders(ctx, next) {
    setSecurityHeaders(ctx);
    await next();
  };
}
