import type { AppConfig } from "../config";
import { parseCookieHeader, serializeCookie } from "../cookies";
import { sourceIpOf } from "fleet/middleware";
import { Whoami, WhoamiQuery } from "../schemas/whoami";
import { defineRoute } from "./define-route";

/** Cookies set by `?remember=1` live a day. */
const rememberSeconds = 24 * 60 * 60;

/** GET /v1/whoami: the request as the app saw it, after the adapter's translation. */
export function whoamiRoutes(config: AppConfig) {
  return [
    defineRoute({
      method: "GET",
      path: "/v1/whoami",
      operationId: "getWhoami",
      summary: "The request as the app saw it: ids, caller address, routed path, query and cookies",
      description: "With remember=1 the response also sets two cookies (fleet_seen, fleet_region).",
      tag: "whoami",
      query: WhoamiQuery,
      responses: {
        200: {
          description: "The request, as routed",
          schema: Whoami,
          headers: { "set-cookie": "With remember=1: fleet_seen=1 and fleet_region=<region> (HttpOnly, Secure, SameSite=Lax)" },
        },
      },
      handler(ctx, { query }) {
        if (query.remember === "1") {
          ctx.append("set-cookie", serializeCookie("fleet_seen", "1", { maxAgeSeconds: rememberSeconds }));
          ctx.append("set-cookie", serializeCookie("fleet_region", config.region, { maxAgeSeconds: rememberSeconds }));
        }
        const body: Whoami = {
          region: config.region,
          stage: config.stage,
          requestId: ctx.state.requestId,
          sourceIp: sourceIpOf(ctx),
          method: ctx.method,
          path: ctx.path,
          // koa's query object has a null prototype; copy it into a plain one.
          query: { ...ctx.query } as Whoami["query"],
          cookies: parseCookieHeader(ctx.get("cookie") || undefined),
        };
        ctx.body = body;
      },
    }),
  ];
}
