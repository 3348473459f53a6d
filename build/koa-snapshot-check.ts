import type { Plugin } from "esbuild";

/**
 * esbuild plugin: koa's application module requires `node:v8` only to ask, in its constructor, whether Node is
 * building a startup snapshot (`v8.startupSnapshot?.isBuildingSnapshot?.()`). Loading v8 (and its heap utilities)
 * cost ~1.5-2 ms of every cold start, measured with `node --cpu-prof`. koa gets a stand-in that loads the real
 * module only when the process was started with `--build-snapshot`; otherwise it has no `startupSnapshot`,
 * which koa already treats as "not building one" (as on Node versions without the API).
 * test/robustness/cold-path.test.ts checks v8 stays unloaded through a JSON answer.
 */
export function koaSnapshotCheck(): Plugin {
  return {
    name: "fleet-koa-snapshot-check",
    setup(build) {
      build.onResolve({ filter: /^(node:)?v8$/ }, (args) =>
        /[\\/]node_modules[\\/]koa[\\/]lib[\\/]application\.js$/.test(args.importer) ? { path: "v8", namespace: "fleet-koa-snapshot-check" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "fleet-koa-snapshot-check" }, () => ({
        contents: `"use strict";
var buildingSnapshot = process.execArgv.some(function (arg) { return arg === "--build-snapshot" || arg.indexOf("--build-snapshot=") === 0; });
module.exports = buildingSnapshot ? require("node:v8") : {};
`,
        loader: "js",
      }));
    },
  };
}
