import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";

/**
 * The rewrites, per koa file: `x instanceof Response` reads Node's lazy `Response` global, which loads undici
 * (~35 ms, 100+ internal modules) on the FIRST object body a cold process answers, and `ReadableStream` loads the
 * web streams (~2 ms). A value without `arrayBuffer` / `getReader` cannot be either, so testing that first gives
 * the same answer for every body and leaves the globals untouched until a real Response or stream shows up.
 */
const rewrites: Record<string, Array<[from: string, to: string]>> = {
  "response.js": [
    ["val instanceof ReadableStream", "(typeof val.getReader === 'function' && val instanceof ReadableStream)"],
    ["val instanceof Response", "(typeof val.arrayBuffer === 'function' && val instanceof Response)"],
    // Not a web global, the same idea: node:assert (~0.55 ms to load) serves `assert(condition, message)`
    // checks; the real module is loaded only when a condition fails, so the same AssertionError is thrown.
    ["const assert = require('node:assert')", "const assert = (value, message) => { if (!value) require('node:assert')(value, message) }"],
  ],
  "application.js": [
    ["body instanceof ReadableStream", "(typeof body.getReader === 'function' && body instanceof ReadableStream)"],
    ["body instanceof Response", "(typeof body.arrayBuffer === 'function' && body instanceof Response)"],
  ],
};

/**
 * esbuild plugin: applies {@link rewrites} to koa's `lib/response.js` and `lib/application.js` (3.x), so a JSON
 * answer never pays for undici. Each rewrite must match exactly once, or the build fails: a koa upgrade that moves
 * this code is reviewed, never silently skipped. test/robustness/cold-path.test.ts checks the bundle keeps undici
 * unloaded through a JSON answer.
 */
export function koaLazyWebGlobals(): Plugin {
  return {
    name: "fleet-koa-lazy-web-globals",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]koa[\\/]lib[\\/](response|application)\.js$/ }, async (args) => {
        const name = args.path.split(/[\\/]/).pop()!;
        let contents = await readFile(args.path, "utf8");
        for (const [from, to] of rewrites[name] ?? []) {
          const count = contents.split(from).length - 1;
          if (count !== 1) {
            throw new Error(`build/koa-lazy-web-globals.ts: expected "${from}" once in ${args.path}, found ${count}; koa changed, review the rewrite`);
          }
          contents = contents.replace(from, to);
        }
        return { contents, loader: "js" };
      });
    },
  };
}
