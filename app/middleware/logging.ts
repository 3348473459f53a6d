import type { Logger } from "@aws-lambda-powertools/logger";
import type { IncomingHttpHeaders } from "node:http";
import type { Middleware } from "koa";
import type { AppConfig } from "../config";
import { isHttpLikeError } from "../errors";
import type { AppState } from "../state";

/** Request headers whose values never reach the logs. */
export const redactedHeaders: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "cookie",
  "x-api-key",
  "x-amz-security-token",
]);

/** What replaces a redacted header value. */
export const redactedValue = "[REDACTED]";

/**
 * Logs one structured line per request once it is answered: method, path, status, latencyMs, requestId,
 * stage, region, release, userAgent, and the request headers with credentials redacted.
 * Errors are logged at `error` by `app.on("error")`; this line is `info` (`warn` for 5xx).
 */
export function requestLogging(logger: Logger, config: AppConfig): Middleware<AppState> {
  return async function logRequest(ctx, next) {
    const started = performance.now();
    let thrownStatus: number | undefined;
    try {
      await next();
    } catch (err) {
      thrownStatus = isHttpLikeError(err) ? err.status : 500;
      throw err;
    } finally {
      const status = thrownStatus ?? ctx.status;
      const line = {
        method: ctx.method,
        path: ctx.path,
        status,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
        requestId: ctx.state.requestId,
        stage: config.stage,
        region: config.region,
        release: config.release,
        userAgent: ctx.get("user-agent") || undefined,
        headers: redactHeaders(ctx.headers),
      };
      if (status >= 500) logger.warn("request", line);
      else logger.info("request", line);
    }
  };
}

/** A copy of the headers with credential-bearing values replaced. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string | string[] | undefined> {
  const copy: Record<string, string | string[] | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = redactedHeaders.has(name.toLowerCase()) ? redactedValue : value;
  }
  return copy;
}
