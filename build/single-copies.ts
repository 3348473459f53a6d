import path from "node:path";
import type { Plugin } from "esbuild";

/**
 * Packages the bundle must contain once, resolved from the project's top level whoever imports them.
 * koa 3's http-assert still depends on http-errors 1 (with its own statuses 1 and depd 1, ~25 KB); the
 * http-errors 2 API it calls, `createError(status, message, props)`, is unchanged, and one copy also makes
 * `HttpError` checks agree across koa and http-assert.
 */
const singleCopy = ["http-errors", "depd"];

/**
 * esbuild plugin that drops code the Lambda bundle carries but never runs:
 * - one copy of each package in {@link singleCopy};
 * - `debug`'s browser build: its entry picks `./browser` or `./node` at run time, so both were bundled;
 * - serverless-http's Azure provider (~14 KB, with a Set-Cookie table): fleet only runs on AWS, and asking for
 *   `provider: "azure"` fails loudly instead.
 * test/robustness/bundle-contents.test.ts checks the result.
 */
export function singleCopies(root: string): Plugin {
  return {
    name: "fleet-single-copies",
    setup(build) {
      const filter = new RegExp(`^(${singleCopy.join("|")})$`);
      build.onResolve({ filter }, (args) => ({ path: require.resolve(args.path, { paths: [root] }) }));
      build.onResolve({ filter: /^debug$/ }, () => ({ path: path.join(path.dirname(require.resolve("debug/package.json", { paths: [root] })), "src", "node.js") }));
      build.onResolve({ filter: /^\.\/azure$/ }, (args) =>
        /[\\/]serverless-http[\\/]lib[\\/]provider$/.test(args.resolveDir) ? { path: "serverless-http-azure", namespace: "fleet-not-bundled" } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: "fleet-not-bundled" }, () => ({
        contents: `module.exports = function azure() { throw new Error("serverless-http's Azure provider is not in the fleet bundle (build/single-copies.ts)"); };`,
        loader: "js",
      }));
    },
  };
}
