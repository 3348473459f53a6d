import { build, type BuildOptions, type Plugin } from "esbuild";
import { mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { digestOf } from "../core/digest";
import { type FleetConfig, loadFleetConfig } from "../core/fleet-config";
import { repoRoot } from "../core/paths";
import { debugWhenEnabled } from "./debug-when-enabled";
import { depdFileAtBuild } from "./depd-file-at-build";
import { type DocsSettings, docsSettings, writeDocsAssets } from "./docs-assets";
import { destroyLazyReadStream } from "./destroy-lazy-read-stream";
import { keepAppNames } from "./keep-app-names";
import { koaLazyWebGlobals } from "./koa-lazy-web-globals";
import { koaSnapshotCheck } from "./koa-snapshot-check";
import { lazyBuiltinsPlugin } from "./lazy-builtins";
import { precomputedMimeTypes } from "./precomputed-mime-types";
import { singleCopies } from "./single-copies";

/** Where `fleet build` writes the Lambda bundle. */
export const defaultBundleDir = path.join(repoRoot, "dist", "lambda");

/** What the bundle is built from. */
export interface BundleSource {
  /** The repository whose node_modules and tsconfig.json resolve the app's imports. @default the repository root */
  root?: string;
  /** @default `fleet.config.ts` of `root` */
  config?: FleetConfig;
  /**
   * Append an inline source map with the sources (`fleet start --inspect`: a debugger shows the app's TypeScript,
   * not the minified bundle). Never for a release: it would change the bytes and triple their size. @default false
   */
  sourceMap?: boolean;
}

export interface Bundle {
  /** Directory holding `index.js` (and any asset it serves), ready to zip as the Lambda code. */
  dir: string;
  /** Absolute path of `index.js`. */
  file: string;
  /** Size of `index.js` in bytes. */
  bytes: number;
  /** `sha256:<hex>` of `index.js` (the release digest is of the zip, see artifacts/). */
  sha256: string;
}

/** The entry every bundle starts from: the adapter around the app module `fleet.config.ts` names. */
const entry = path.join(__dirname, "..", "lambda", "entry.ts");

/**
 * The esbuild options of the Lambda bundle, writing to `outfile`. Exported so tests and `npm run bench` can
 * inspect exactly this build (for example with `metafile: true`).
 */
export function lambdaBuildOptions(outfile: string, source: BundleSource = {}): BuildOptions {
  const root = source.root ?? repoRoot;
  const config = source.config ?? loadFleetConfig(root);
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node22",
    minify: true,
    ...(source.sourceMap ? { sourcemap: "inline" as const, sourcesContent: true } : {}),
    legalComments: "none",
    charset: "utf8",
    logLevel: "silent",
    // koa pulls two copies of mime-db (~280 KB) and two mime-types that scan it at load: ship their maps instead.
    // koa's body checks would load undici (~35 ms) on the first JSON answer of every cold start.
    // Duplicate http-errors/depd copies, debug's browser build and serverless-http's Azure code never run here.
    // zlib is loaded only if a compressed stream body is ever destroyed.
    // debug (and the tty probing it does at load) runs only when DEBUG is set; crypto loads on first use; koa's
    // snapshot check does not load v8, nor its assert checks node:assert; destroy reads fs.ReadStream when used;
    // depd knows its caller's file (the bundle) without capturing a stack trace at load.
    plugins: [
      appModule(path.resolve(root, config.app)),
      settingsModule({ docs: docsSettings(config.openapi) }),
      precomputedMimeTypes(),
      koaLazyWebGlobals(),
      koaSnapshotCheck(),
      destroyLazyReadStream(),
      debugWhenEnabled(root),
      singleCopies(root),
      depdFileAtBuild(),
      lazyBuiltinsPlugin(),
      // Last: the plugins above replace some modules' contents, this one only the repository's own.
      keepAppNames(root),
    ],
  };
}

/** esbuild plugin: `fleet:app` (lambda/entry.ts imports it) is the app module. */
function appModule(file: string): Plugin {
  return {
    name: "fleet-app-module",
    setup(build) {
      build.onResolve({ filter: /^fleet:app$/ }, () => ({ path: file }));
    },
  };
}

/** esbuild plugin: `fleet:settings` (lambda/entry.ts imports it, typed in lambda/app-module.d.ts) holds `settings`. */
function settingsModule(settings: { docs: DocsSettings | null }): Plugin {
  return {
    name: "fleet-settings-module",
    setup(build) {
      build.onResolve({ filter: /^fleet:settings$/ }, () => ({ path: "fleet:settings", namespace: "fleet-settings" }));
      build.onLoad({ filter: /.*/, namespace: "fleet-settings" }, () => ({
        contents: `export const docs = ${JSON.stringify(settings.docs)};`,
        loader: "js",
      }));
    },
  };
}

/** A bundle built in a directory of its own, not yet in place. */
export interface PrivateBundle extends Bundle {
  /**
   * Renames the bundle's files into `outdir` (each rename atomic), removes what an earlier build left there (the
   * `docs/` of a config that no longer sets openapi), then the private directory.
   */
  place(): Promise<Bundle>;
  /** Removes the private directory (a no-op once placed). */
  discard(): Promise<void>;
}

/**
 * Bundles the app of `fleet.config.ts` with fleet's Lambda adapter into one self-contained CommonJS file exporting
 * `handler`, in `outdir`; with `openapi` set, also `docs/` (Scalar's bundle, served at `/docs`). Same sources, same
 * bytes: no timestamps, no absolute paths, fixed target. Built in a directory of its own and renamed into place, so
 * concurrent builds never see each other's half-written file.
 */
export async function buildBundle(outdir: string = defaultBundleDir, source: BundleSource = {}): Promise<Bundle> {
  return (await buildPrivateBundle(outdir, source)).place();
}

/**
 * Builds the bundle into a fresh directory beside `outdir` that no other build writes to: a release packs, hashes
 * and reads its OpenAPI document from there, so all of them come from the same bytes, then places it.
 */
export async function buildPrivateBundle(outdir: string = defaultBundleDir, source: BundleSource = {}): Promise<PrivateBundle> {
  const config = source.config ?? loadFleetConfig(source.root ?? repoRoot);
  await mkdir(path.dirname(outdir), { recursive: true });
  // Beside outdir: the same filesystem, so placing is a rename.
  const dir = await mkdtemp(path.join(path.dirname(outdir), `.${path.basename(outdir)}-`));
  const discard = () => rm(dir, { recursive: true, force: true });
  try {
    const file = path.join(dir, "index.js");
    await writeDocsAssets(dir, config.openapi);
    await build(lambdaBuildOptions(file, { ...source, config }));
    const code = await readFile(file);
    const bundle: Bundle = { dir, file, bytes: code.length, sha256: digestOf(code) };
    const place = async (): Promise<Bundle> => {
      const ours = await filesUnder(dir);
      for (const name of ours) {
        await mkdir(path.dirname(path.join(outdir, name)), { recursive: true });
        await rename(path.join(dir, name), path.join(outdir, name));
      }
      for (const name of await filesUnder(outdir)) if (!ours.includes(name)) await rm(path.join(outdir, name), { force: true });
      for (const name of await readdir(outdir)) if (!ours.some((file) => file.split("/")[0] === name)) await rm(path.join(outdir, name), { recursive: true, force: true });
      await discard();
      return { ...bundle, dir: outdir, file: path.join(outdir, "index.js") };
    };
    return { ...bundle, place, discard };
  } catch (error) {
    await discard();
    throw error;
  }
}

/** The files under `dir`, as forward-slash paths relative to it. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}
