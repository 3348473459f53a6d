import { readFile } from "node:fs/promises";
import path from "node:path";
import { type Loader, type Plugin, transform } from "esbuild";

/**
 * esbuild plugin: the repository's own modules (the app, fleet's adapter; not node_modules) keep the names of
 * their classes and functions in the minified bundle, as esbuild's `keepNames` does, so an error class that names
 * itself from its constructor (`this.name = new.target.name`) reaches Lambda's logs and `/init/error` as
 * `SettingsError`, not `Ie`. Only these modules pay for it: `keepNames` over the whole bundle cost 13,457 bytes
 * (+6.5%) and 14.7 M instructions of every cold start (+5.9%, callgrind), nearly all of it in node_modules.
 */
export function keepAppNames(root: string): Plugin {
  const own = `${path.resolve(root)}${path.sep}`;
  return {
    name: "fleet-keep-app-names",
    setup(build) {
      build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
        if (!args.path.startsWith(own) || args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const loader: Loader = /\.[cm]?ts$/.test(args.path) ? "ts" : "js";
        const { code } = await transform(await readFile(args.path, "utf8"), {
          loader,
          keepNames: true,
          target: "node22",
          sourcefile: args.path,
          // With the build's source map (fleet start --inspect), one of this step too, which esbuild chains: the
          // debugger then shows the file as written, not as transformed here.
          ...(build.initialOptions.sourcemap ? { sourcemap: "inline" as const, sourcesContent: true } : {}),
          // The class-field semantics the bundle itself uses for this repository's TypeScript (tsconfig target ES2022).
          tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
        });
        return { contents: code, loader: "js", resolveDir: path.dirname(args.path) };
      });
    },
  };
}
