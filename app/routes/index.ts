import Router, { type RouterContext } from "@koa/router";
import type { Middleware } from "koa";
import type { AppConfig } from "../config";
import { buildOpenApiDocument, type OpenApiDocument } from "../openapi";
import type { AppState } from "../state";
import { addRoutes, type AnyRouteDefinition } from "./define-route";
import { openApiRoutes } from "./openapi";
import { echoRoutes } from "./echo";
import { greetingsRoutes } from "./greetings";
import { healthRoutes } from "./health";
import { pixelRoutes } from "./pixel";
import { whoamiRoutes } from "./whoami";

/** One resource: its name and its routes. Each gets its own router. */
export interface Resource {
  name: string;
  routes: AnyRouteDefinition[];
}

/**
 * Every resource of the app, in one place: add a resource here and it is routed, validated and documented.
 * `extra` lets tests mount routes that never ship (e.g. one that throws).
 */
export function appResources(config: AppConfig, extra: readonly Resource[] = []): Resource[] {
  const resources: Resource[] = [
    { name: "health", routes: healthRoutes(config) },
    { name: "whoami", routes: whoamiRoutes(config) },
    { name: "echo", routes: echoRoutes() },
    { name: "greetings", routes: greetingsRoutes() },
    { name: "pixel", routes: pixelRoutes() },
    ...extra,
  ];
  let document: OpenApiDocument | undefined;
  // Built on the first request of /openapi.json, not at cold start; then memoized.
  const getDocument = () => (document ??= buildOpenApiDocument(resources.flatMap((r) => r.routes), config));
  resources.push({ name: "openapi", routes: openApiRoutes(getDocument) });
  return resources;
}

/**
 * The app's routing middleware: one router per resource under a root router, then `allowedMethods` with
 * `throw: true` so 405/501 reach the error handler, with the `Allow` header attached to the 405.
 */
export function routing(resources: readonly Resource[]): Middleware<AppState, RouterContext<AppState>>[] {
  const root = createRouter(resources);
  const routes = root.routes();
  const allowedMethods = root.allowedMethods({ throw: true });
  const withAllowHeader: Middleware<AppState, RouterContext<AppState>> = async (ctx, next) => {
    try {
      await allowedMethods(ctx, next);
    } catch (err) {
      // koa-router sets Allow only when it does not throw; the error handler sends err.headers.
      if ((err as { status?: number }).status === 405) {
        const allow = allowedMethodsOf(ctx);
        Object.assign(err as object, {
          headers: { allow },
          message: `${ctx.method} is not allowed on ${ctx.path}; allowed: ${allow}`,
        });
      }
      throw err;
    }
  };
  return [routes, withAllowHeader];
}

/**
 * Paths match exactly: case-sensitive, and no trailing-slash variant: one URL per resource, as documented.
 */
const exactPaths = { strict: true, sensitive: true } as const;

/** The root router: one router per resource, mounted under it. */
export function createRouter(resources: readonly Resource[]): Router<AppState> {
  const root = new Router<AppState>(exactPaths);
  for (const resource of resources) {
    root.use(addRoutes(new Router<AppState>(exactPaths), resource.routes).routes());
  }
  return root;
}

function allowedMethodsOf(ctx: { matched?: readonly { methods: string[] }[] }): string {
  const methods = new Set((ctx.matched ?? []).flatMap((layer) => layer.methods));
  return [...methods].join(", ");
}
