import Koa from "koa";
import { loadConfig, type AppConfig } from "./config";
import { isHttpLikeError } from "./errors";
import { type AppLogger, JsonLogger } from "../lambda/middleware/logger";
import { useEnglishMessages } from "./schemas/locale";
import { errorHandler } from "../lambda/middleware/problem-errors";
import { requestLogging } from "../lambda/middleware/access-log";
import { requestContext } from "../lambda/middleware/request-context";
import { securityHeaders } from "../lambda/middleware/security-headers";
import { appResources, routing, type Resource } from "./routes";
import type { AppState } from "./state";

export type { AppConfig } from "./config";

/** What createApp can be given instead of its defaults. */
export interface CreateAppOptions {
  /** @default loadConfig(process.env) */
  config?: AppConfig;
  /** @default a JsonLogger at config.logLevel, service "fleet" */
  logger?: AppLogger;
  /** Routes mounted besides the app's own, for tests only (a route that throws, say). @default [] */
  extraResources?: readonly Resource[];
}

/**
 * Builds the fleet Koa application (never listens): error handler first, then request context (request id,
 * Lambda state), the access log, security headers and the routes.
 * @example http.createServer(createApp().callback()).listen(3000)
 */
export function createApp(options: CreateAppOptions = {}): Koa<AppState> {
  useEnglishMessages();
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? new JsonLogger({ service: "fleet", level: config.logLevel });
  const app = new Koa<AppState>();

  app.use(errorHandler());
  app.use(requestContext());
  app.use(requestLogging(logger, config));
  app.use(securityHeaders());
  for (const middleware of routing(appResources(config, options.extraResources))) app.use(middleware);

  // The error handler emits only unexpected (5xx) errors; log them with the id the client was given.
  app.on("error", (err: unknown, ctx?: Koa.ParameterizedContext<AppState>) => {
    logger.error("unexpected error", {
      requestId: ctx?.state.requestId,
      method: ctx?.method,
      path: ctx?.path,
      status: isHttpLikeError(err) ? err.status : 500,
      error: err instanceof Error ? err : String(err),
    });
  });
  return app;
}
