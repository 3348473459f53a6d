import type { Plugin } from "esbuild";

/**
 * Node built-ins a dependency requires at load but uses only on rare paths, by importing package:
 * `destroy` (koa's stream cleanup) reads `zlib` only to recognise a compressed stream body being destroyed,
 * yet loading zlib costs ~1.5-2.5 ms of every cold start. `crypto` (~2 ms) serves cookie signing (keygrip,
 * tsscmp: only with app.keys, which fleet does not set). The app's own code loads crypto only where it needs it.
 */
const lazyBuiltins: Array<{ importer: RegExp; builtin: string }> = [
  { importer: /[\\/]node_modules[\\/]destroy[\\/]/, builtin: "zlib" },
  { importer: /[\\/]node_modules[\\/](keygrip|tsscmp)[\\/]/, builtin: "crypto" },
];

/**
 * esbuild plugin: for the imports in {@link lazyBuiltins}, the dependency gets a stand-in whose every property read
 * loads the real built-in first (so `Zlib.Gzip` is the real class, on first use). Other importers get the built-in
 * as usual. test/robustness/cold-path.test.ts checks zlib stays unloaded through a JSON answer.
 */
export function lazyBuiltinsPlugin(): Plugin {
  return {
    name: "fleet-lazy-builtins",
    setup(build) {
      for (const { importer, builtin } of lazyBuiltins) {
        build.onResolve({ filter: new RegExp(`^(node:)?${builtin}$`) }, (args) =>
          importer.test(args.importer) ? { path: builtin, namespace: "fleet-lazy-builtin" } : undefined,
        );
      }
      build.onLoad({ filter: /.*/, namespace: "fleet-lazy-builtin" }, (args) => ({
        contents: `"use strict";
var real;
function load() { return real || (real = require(${JSON.stringify(`node:${args.path}`)})); }
module.exports = new Proxy({}, {
  get: function (_, key) { return load()[key]; },
  has: function (_, key) { return key in load(); },
  ownKeys: function () { return Reflect.ownKeys(load()); },
  getOwnPropertyDescriptor: function (_, key) { var d = Object.getOwnPropertyDescriptor(load(), key); if (d) d.configurable = true; return d; },
});
`,
        loader: "js",
      }));
    },
  };
}
