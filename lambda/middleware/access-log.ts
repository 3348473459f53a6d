import type { Middleware } from "koa";
import type { AppConfig } from "../../app/config";
import { isHttpLikeError } from "../../app/errors";
import type { AppLogger } from "./logger";
import type { AppState } from "../../app/state";

/**
 * Logs one structured line per request once it is answered: `cold_start` and `function_request_id` (Powertools'
 * keys), method, path, status, latencyMs, requestId, stage, region, release and userAgent.
 * Request headers are not logged, so credentials (`authorization`, `cookie`, API keys) never reach the logs.
 * Errors are logged at `error` by `app.on("error")`; this line is `info` (`warn` for 5xx).
 */
export function requestLogging(logger: AppLogger, config: AppConfig): Middleware<AppState> {
  // Lambda runs one app per execution environment: its first request is the cold start.
  let coldStart = true;
  return async function logRequest(ctx, next) {
    // hrtime, not performance.now(): the global `performance` loads perf_hooks on a cold start's first request.
    const started = process.hrtime.bigint();
    let thrownStatus: number | undefined;
    try {
      await next();
    } catch (err) {
      thrownStatus = isHttpLikeError(err) ? err.status : 500;
      throw err;
    } finally {
      const status = thrownStatus ?? ctx.status;
      const line = {
        cold_start: coldStart,
        function_request_id: ctx.state.lambda?.context?.awsRequestId,
        method: ctx.method,
        path: ctx.path,
        status,
        latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1000) / 1000,
        requestId: ctx.state.requestId,
        stage: config.stage,
        region: config.region,
        release: config.release,
        userAgent: ctx.req.headers["user-agent"],
      };
      coldStart = false;
      if (status >= 500) logger.warn("request", line);
      else logger.info("request", line);
    }
  };
}
