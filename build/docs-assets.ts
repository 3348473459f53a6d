import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** What the bundle is told about `/docs` (the `fleet:settings` module's `docs`; lambda/docs/ serves it). */
export interface DocsSettings {
  /** fleet.config.ts `openapi`: where the app serves its document. */
  openapi: string;
  /** The Scalar bundle's file name in `assetDir`, named by its content (`scalar.<16 hex of sha256>.js`). */
  scalarFile: string;
  /** The directory of the assets, relative to the bundle directory (index.js's): always {@link docsAssetDir}. */
  assetDir: string;
}

/** Where the docs assets go in the bundle directory; the bundle learns it from its settings, not a second copy. */
export const docsAssetDir = "docs";

interface ScalarBundle {
  name: string;
  plain: Buffer;
  gzip: Buffer;
}

let scalar: ScalarBundle | undefined;

/**
 * Scalar's standalone bundle from fleet's own dependencies (pinned in package.json: these bytes ship in every
 * release), and its gzip. Read and compressed once per process: `fleet start --watch` rebuilds often.
 */
function scalarBundle(): ScalarBundle {
  if (scalar) return scalar;
  let file: string;
  try {
    file = require.resolve("@scalar/api-reference/browser/standalone.js");
  } catch (error) {
    throw new Error(`fleet.config.ts sets openapi, but Scalar's API reference bundle cannot be found (${(error as Error).message.split("\n")[0]}). Fix: npm install (fleet depends on @scalar/api-reference)`);
  }
  const plain = readFileSync(file);
  const gzip = gzipSync(plain, { level: 9 });
  // The gzip header's OS byte is the building platform's (3 on Linux, 19 on macOS): "unknown" (255, RFC 1952)
  // keeps the bytes, and so the release digest, the same wherever it is built. Node writes mtime 0 already.
  gzip[9] = 255;
  const name = `scalar.${createHash("sha256").update(plain).digest("hex").slice(0, 16)}.js`;
  scalar = { name, plain, gzip };
  return scalar;
}

/** The settings for a config's `openapi` path: null without one (then the bundle serves no `/docs`). */
export function docsSettings(openapi: string | undefined): DocsSettings | null {
  return openapi === undefined ? null : { openapi, scalarFile: scalarBundle().name, assetDir: docsAssetDir };
}

/**
 * Makes `<outdir>/docs/` hold exactly the docs assets for `openapi` (Scalar's bundle and its `.gz`, deterministic
 * bytes), or removes it when `openapi` is unset, so a bundle directory never ships assets of an earlier build.
 */
export async function writeDocsAssets(outdir: string, openapi: string | undefined): Promise<DocsSettings | null> {
  const dir = path.join(outdir, docsAssetDir);
  await rm(dir, { recursive: true, force: true });
  const settings = docsSettings(openapi);
  if (!settings) return null;
  const { plain, gzip } = scalarBundle();
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, settings.scalarFile), plain);
  await writeFile(path.join(dir, `${settings.scalarFile}.gz`), gzip);
  return settings;
}
