import { docsPage } from "../docs/page";
import { docsScript } from "../docs/script";
import { docsStyle } from "../docs/style";
import type { OpenApiDocument } from "../openapi";
import { defineRoute } from "./define-route";

let docsCsp: string | undefined;

/**
 * The docs page may run its own script (docs.js), its inline stylesheet (by hash) and fetch openapi.json;
 * nothing else, and nothing from another origin. Computed on first use to keep module load free of work.
 */
export function docsContentSecurityPolicy(): string {
  // Required here, on the first /docs request: importing node:crypto at load cost ~2 ms of every cold start.
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  docsCsp ??= [
    "default-src 'none'",
    "script-src 'self'",
    "connect-src 'self'",
    `style-src 'sha256-${createHash("sha256").update(docsStyle).digest("base64")}'`,
    // data: only for the page's empty inline icon, which stops the browser asking for a /favicon.ico that 404s.
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return docsCsp;
}

/** GET /openapi.json, /docs and /docs.js: the API description and its offline HTML reference. */
export function docsRoutes(getDocument: () => OpenApiDocument) {
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
    defineRoute({
      method: "GET",
      path: "/docs",
      operationId: "getDocsPage",
      summary: "HTML API reference (works offline)",
      tag: "docs",
      responses: {
        200: { description: "The page", media: { contentType: "text/html", schema: { type: "string" } } },
      },
      handler(ctx) {
        ctx.type = "text/html; charset=utf-8";
        ctx.set("content-security-policy", docsContentSecurityPolicy());
        ctx.set("cache-control", "no-cache");
        ctx.body = docsPage;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/docs.js",
      operationId: "getDocsScript",
      summary: "The script that renders the HTML API reference",
      tag: "docs",
      responses: {
        200: { description: "The script", media: { contentType: "text/javascript", schema: { type: "string" } } },
      },
      handler(ctx) {
        ctx.type = "text/javascript; charset=utf-8";
        ctx.set("cache-control", "no-cache");
        ctx.body = docsScript;
      },
    }),
  ];
}
