import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";

/**
 * destroy (koa's stream cleanup) reads `fs.ReadStream` at module scope, for an `instanceof` when a file stream
 * body is destroyed; that read loads fs streams, fs/promises and readline (~0.85 ms of every cold start, measured
 * with `node --cpu-prof`). Rewritten to read it at the check.
 */
const rewrites: Array<[from: string, to: string]> = [
  ["var ReadStream = require('fs').ReadStream", "var fs = require('fs')"],
  ["stream instanceof ReadStream", "stream instanceof fs.ReadStream"],
];

/**
 * esbuild plugin applying {@link rewrites} to destroy's index.js; the build fails when a statement no longer occurs
 * exactly once. test/robustness/cold-path.test.ts checks fs/promises stays unloaded through a JSON answer.
 */
export function destroyLazyReadStream(): Plugin {
  return {
    name: "fleet-destroy-lazy-read-stream",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]destroy[\\/]index\.js$/ }, async (args) => {
        let contents = await readFile(args.path, "utf8");
        for (const [from, to] of rewrites) {
          const count = contents.split(from).length - 1;
          if (count !== 1) {
            throw new Error(`build/destroy-lazy-read-stream.ts: expected "${from}" once in ${args.path}, found ${count}; destroy changed, review the rewrite`);
          }
          contents = contents.replace(from, to);
        }
        return { contents, loader: "js" };
      });
    },
  };
}
