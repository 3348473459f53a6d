import path from "node:path";
import type { Plugin } from "esbuild";
import type { AppConfig } from "../app/config";

/** The config the document is built with at build time; only `info` depends on it, and that is filled at run time. */
const buildTimeConfig: AppConfig = { stage: "build", region: "build", release: "dev", logLevel: "info" };

/**
 * esbuild plugin: the bundle's `app/openapi.ts` becomes the document `buildOpenApiDocument` produces for the app's
 * route registry, computed here at build time, with `info` (stage, region, release) filled in at run time.
 * zod's JSON Schema converter (~21 KB minified) and the document walk then never ship or run in Lambda, while
 * `createApp()` outside the bundle still builds the document at run time from the same registry.
 * The stand-in refuses to serve when the routes it is asked about are not those it was built from.
 * test/robustness/openapi-bundle.test.ts checks the bundle serves exactly the registry's document.
 */
export function precomputedOpenApi(root: string): Plugin {
  const appDir = path.join(root, "app");
  return {
    name: "fleet-precomputed-openapi",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\/openapi$/ }, (args) =>
        path.join(args.resolveDir, args.path) === path.join(appDir, "openapi") ? { path: "openapi", namespace: "fleet-precomputed-openapi" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "fleet-precomputed-openapi" }, () => {
        // The build runs under a TypeScript loader (tsx), like everything else in the repository.
        const { appResources } = require(path.join(appDir, "routes")) as typeof import("../app/routes");
        const { buildOpenApiDocument } = require(path.join(appDir, "openapi")) as typeof import("../app/openapi");
        const definitions = appResources(buildTimeConfig).flatMap((resource) => resource.routes);
        const document = buildOpenApiDocument(definitions, buildTimeConfig);
        const operationIds = definitions.map((route) => route.operationId).join(",");
        return {
          resolveDir: appDir,
          loader: "js",
          contents: `"use strict";
import { openApiInfo } from "./openapi-info";
const document = ${JSON.stringify(document)};
const operationIds = ${JSON.stringify(operationIds)};
export function buildOpenApiDocument(definitions, config) {
  const ids = definitions.map((route) => route.operationId).join(",");
  if (ids !== operationIds) throw new Error("The bundle's OpenAPI document was built for routes " + operationIds + ", not " + ids + ": rebuild the bundle");
  return { ...document, info: openApiInfo(config) };
}
`,
        };
      });
    },
  };
}
