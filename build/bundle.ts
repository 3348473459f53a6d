import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";

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
 * Bundles `app/lambda.ts` into one self-contained CommonJS file exporting `handler`.
 * Same sources, same bytes: no timestamps, no absolute paths, fixed target.
 */
export async function buildBundle(outdir: string = defaultBundleDir): Promise<Bundle> {
  const file = path.join(outdir, "index.js");
  await build({
    absWorkingDir: repoRoot,
    entryPoints: ["app/lambda.ts"],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
  });
  const code = await readFile(file);
  return { dir: outdir, file, bytes: code.length, sha256: `sha256:${createHash("sha256").update(code).digest("hex")}` };
}
