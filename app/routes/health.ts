import type { AppConfig } from "../config";
import { Health } from "../schemas/health";
import { defineRoute } from "./define-route";

/** GET/HEAD /health: liveness, with where and what is running. */
export function healthRoutes(config: AppConfig) {
  return [
    defineRoute({
      method: "GET",
      path: "/health",
      operationId: "getHealth",
      summary: "Liveness check: stage, region and release of the answering function",
      tag: "health",
      documentHead: true,
      responses: { 200: { description: "The function is up", schema: Health } },
      handler(ctx) {
        const body: Health = { status: "ok", stage: config.stage, region: config.region, release: config.release };
        ctx.body = body;
      },
    }),
  ];
}
