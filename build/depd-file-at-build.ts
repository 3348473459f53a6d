import { readFile } from "node:fs/promises";
import type { Plugin } from "esbuild";

/**
 * depd (http-errors' and cookies' deprecation warnings) captures a stack trace in every `depd(namespace)` call at
 * module scope, only to learn the calling file: ~5% of a cold start's instructions for two calls. In the bundle
 * every caller lives in the bundle's own file, so that file is `__filename`, the value the trace would give.
 */
const captured = "  var stack = getStack()\n  var site = callSiteLocation(stack[1])\n  var file = site[0]\n";
const known = "  // The bundle holds every caller: its file is the one a stack trace would name (build/depd-file-at-build.ts).\n  var file = __filename\n";

/** esbuild plugin applying the rewrite above to depd's index.js; the build fails when depd no longer has it once. */
export function depdFileAtBuild(): Plugin {
  return {
    name: "fleet-depd-file-at-build",
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]depd[\\/]index\.js$/ }, async (args) => {
        const contents = await readFile(args.path, "utf8");
        if (contents.split(captured).length !== 2) {
          throw new Error(`build/depd-file-at-build.ts: expected depd's stack capture once in ${args.path}; depd changed, review the rewrite`);
        }
        return { contents: contents.replace(captured, known), loader: "js" };
      });
    },
  };
}
