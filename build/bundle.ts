import { build, type BuildOptions } from "esbuild";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { debugWhenEnabled } from "./debug-when-enabled";
import { destroyLazyReadStream } from "./destroy-lazy-read-stream";
import { koaLazyWebGlobals } from "./koa-lazy-web-globals";
import { koaSnapshotCheck } from "./koa-snapshot-check";
import { lazyBuiltinsPlugin } from "./lazy-builtins";
import { precomputedMimeTypes } from "./precomputed-mime-types";
import { precomputedOpenApi } from "./precomputed-openapi";
import { singleCopies } from "./single-copies";

/** The repository root: every path below is resolved from here, wherever the caller runs (Pulumi runs in stacks/). */
export const repoRoot = path.resolve(__dirname, "..");

/** Where `npm run build` writes the Lambda bundle. */
export const defaultBundleDir = path.join(repoRoot, "dist", "lambda");

export interface Bundle {
  /** Directory holding `index.js`, ready to zip as the Lambda code. */
  dir: string;
  /** Absolute path of `index.js`. */
  file: string;
  /** Size of `index.js` in bytes. */
  bytes: number;
  /** `sha256:<hex>` of `index.js` (the release digest is of the zip, see release/). */
  sha256: string;
}

/**
 * The esbuild options of the Lambda bundle, writing to `outfile`. Exported so tests and `npm run bench` can
 * inspect exactly this build (for example with `metafile: true`).
 */
export function lambdaBuildOptions(outfile: string): BuildOptions {
  return {
    absWorkingDir: repoRoot,
    entryPoints: ["app/lambda.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    // koa pulls two copies of mime-db (~280 KB) and two mime-types that scan it at load: ship their maps instead.
    // koa's body checks would load undici (~35 ms) on the first JSON answer of every cold start.
    // Duplicate http-errors/depd copies, debug's browser build and serverless-http's Azure code never run here.
    // zlib is loaded only if a compressed stream body is ever destroyed.
    // The OpenAPI document is computed at build time: zod's JSON Schema converter stays out of the bundle.
    // debug (and the tty probing it does at load) runs only when DEBUG is set; crypto loads on first use; koa's
    // snapshot check does not load v8, nor its assert checks node:assert; destroy reads fs.ReadStream when used.
    plugins: [
      precomputedMimeTypes(),
      koaLazyWebGlobals(),
      koaSnapshotCheck(),
      destroyLazyReadStream(),
      debugWhenEnabled(repoRoot),
      singleCopies(repoRoot),
      lazyBuiltinsPlugin(),
      precomputedOpenApi(repoRoot),
    ],
  };
}

/**
 * Bundles `app/lambda.ts` into one self-contained CommonJS file exporting `handler`.
 * Same sources, same bytes: no timestamps, no absolute paths, fixed target.
 */
export async function buildBundle(outdir: string = defaultBundleDir): Promise<Bundle> {
  const file = path.join(outdir, "index.js");
  await build(lambdaBuildOptions(file));
  const code = await readFile(file);
  return { dir: outdir, file, bytes: code.length, sha256: `sha256:${createHash("sha256").update(code).digest("hex")}` };
}
