import type { Middleware } from "koa";
import { isHttpLikeError } from "../problem";
import type { FleetState } from "../lambda-state";
import { JsonLogger, type Logger } from "./logger";

/** Options of {@link accessLog}. */
export interface AccessLogOptions {
  /** @default a JsonLogger at FLEET_LOG_LEVEL (else info) with service `fleet` */
  logger?: Logger;
  /** The line's `stage`, `region` and `release`. @default FLEET_STAGE, AWS_REGION and FLEET_RELEASE, read once */
  where?: { stage: string; region: string; release: string };
}

/**
 * Logs one structured line per request once it is answered: `cold_start` and `function_request_id` (Powertools'
 * keys), method, path, status, latencyMs, requestId, stage, region, release and userAgent.
 * Request headers are not logged, so credentials (`authorization`, `cookie`, API keys) never reach the logs.
 * The line is `info`, `warn` for 5xx. Mount it after requestContext().
 */
export function accessLog(options: AccessLogOptions = {}): Middleware<FleetState> {
  const logger = options.logger ?? new JsonLogger({ service: "fleet", level: logLevelFromEnv() });
  const { stage, region, release } = options.where ?? {
    stage: process.env.FLEET_STAGE || "local",
    region: process.env.AWS_REGION || "local",
    release: process.env.FLEET_RELEASE || "dev",
  };
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
        stage,
        region,
        release,
        userAgent: ctx.req.headers["user-agent"],
      };
      coldStart = false;
      if (status >= 500) logger.warn("request", line);
      else logger.info("request", line);
    }
  };
}

/** FLEET_LOG_LEVEL when it names a level, else `info`. */
function logLevelFromEnv(): "debug" | "info" | "warn" | "error" {
  const level = process.env.FLEET_LOG_LEVEL;
  return level === "debug" || level === "warn" || level === "error" ? level : "info";
}
