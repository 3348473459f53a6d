import Koa from "koa";
import { accessLog, isHttpLikeError, JsonLogger, type Logger, problemErrors, requestContext, securityHeaders } from "fleet/middleware";
import { loadConfig, type AppConfig } from "./config";
import { useEnglishMessages } from "./schemas/locale";
import { appResources, routing, type Resource } from "./routes";
import type { AppState } from "./state";

export type { AppConfig } from "./config";

/** What createApp can be given instead of its defaults. */
export interface CreateAppOptions {
  /** @default loadConfig(process.env) */
  config?: AppConfig;
  /** @default a JsonLogger at config.logLevel, service "fleet" */
  logger?: Logger;
  /** Routes mounted besides the app's own, for tests only (a route that throws, say). @default [] */
  extraResources?: readonly Resource[];
}

/**
 * Builds the example Koa application (never listens): fleet's middleware first (problem+json errors, request
 * context, the access log, security headers), then the routes. fleet.config.ts names this module, so
 * `fleet start`, releases and the stacks run it in Lambda; nothing here knows of Lambda.
 * @example http.createServer(createApp().callback()).listen(3000)
 */
export function createApp(options: CreateAppOptions = {}): Koa<AppState> {
  useEnglishMessages();
  const config = options.config ?? loadConfig();
  const logger = options.logger ?? new JsonLogger({ service: "fleet", level: config.logLevel });
  const app = new Koa<AppState>();

  app.use(problemErrors());
  app.use(requestContext());
  app.use(accessLog({ logger, where: config }));
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
