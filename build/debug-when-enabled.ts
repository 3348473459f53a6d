import path from "node:path";
import type { Plugin } from "esbuild";

/**
 * esbuild plugin: `debug` (used by @koa/router) is loaded only when the DEBUG environment variable is set.
 * Otherwise its importers get a no-op logger: the real package loads `tty`, `os` and supports-color and inspects
 * the terminal at module scope (~1 ms of every cold start) to print nothing, since Lambda never sets DEBUG
 * unless the operator asks. With DEBUG set, the real package (its node build) is used, unchanged.
 * test/robustness/cold-path.test.ts checks `tty` stays unloaded on the cold path.
 */
export function debugWhenEnabled(root: string): Plugin {
  const realDebug = path.join(path.dirname(require.resolve("debug/package.json", { paths: [root] })), "src", "node.js");
  return {
    name: "fleet-debug-when-enabled",
    setup(build) {
      build.onResolve({ filter: /^debug$/ }, (args) =>
        args.namespace === "fleet-debug-when-enabled" ? { path: realDebug } : { path: "debug", namespace: "fleet-debug-when-enabled" },
      );
      build.onLoad({ filter: /.*/, namespace: "fleet-debug-when-enabled" }, () => ({
        contents: `"use strict";
function disabled() {
  function debug() {}
  debug.enabled = false;
  debug.extend = function () { return debug; };
  return debug;
}
disabled.enabled = function () { return false; };
module.exports = process.env.DEBUG ? require("debug") : disabled;
`,
        loader: "js",
        resolveDir: root,
      }));
    },
  };
}
