import type { OpenApiDocument } from "../openapi";
import { defineRoute } from "./define-route";

/**
 * GET /openapi.json: the API description, built from the same route definitions that route and validate.
 * fleet.config.ts points `openapi` here, so releases store it, promotions diff it and fleet serves `/docs`.
 */
export function openApiRoutes(getDocument: () => OpenApiDocument) {
  return [
    defineRoute({
      method: "GET",
      path: "/openapi.json",
      operationId: "getOpenApiDocument",
      summary: "This API's OpenAPI 3.1 document",
      tag: "docs",
      responses: {
        200: {
          description: "The OpenAPI document",
          media: { contentType: "application/json", schema: { type: "object", description: "OpenAPI 3.1 document" } },
        },
      },
      handler(ctx) {
        ctx.body = getDocument();
      },
    }),
  ];
}
