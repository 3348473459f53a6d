import type { Context, Middleware } from "koa";

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

/** Every header this middleware sets, as name/value pairs built once. */
const baselineHeaders: ReadonlyArray<readonly [string, string]> = Object.entries({
  ...alwaysHeaders,
  "content-security-policy": apiContentSecurityPolicy,
  "cache-control": "no-store",
});

/**
 * Sets the security headers and the defaults a route may override afterwards:
 * the API CSP and `cache-control: no-store`. The error handler calls it again after it resets headers.
 * One pass over precomputed pairs straight to `res.setHeader` (Koa's `ctx.set(object)` re-walks and re-checks
 * them on every request). Koa never sets `x-powered-by`; removing it covers a header set before this runs.
 */
export function setSecurityHeaders(ctx: Pick<Context, "res">): void {
  const { res } = ctx;
  for (const [name, value] of baselineHeaders) res.setHeader(name, value);
  if (res.hasHeader("x-powered-by")) res.removeHeader("x-powered-by");
}

/** Middleware form of {@link setSecurityHeaders}; headers are set before the route runs, so routes can override. */
export function securityHeaders(): Middleware {
  return async function addSecurityHeaders(ctx, next) {
    setSecurityHeaders(ctx);
    await next();
  };
}
