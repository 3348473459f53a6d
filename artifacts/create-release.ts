import path from "node:path";
import { buildBundle, defaultBundleDir } from "../build/bundle";
import { packBundleDir } from "./pack";
import { gitState } from "./git";
import { releaseRuntime, type ReleaseManifest } from "./manifest";
import { canonicalDigest, openapiOfBundle } from "./openapi-of-bundle";
import type { ReleaseStore } from "./store/store";

export interface CreateReleaseOptions {
  store: ReleaseStore;
  /**
   * Pack this ready bundle directory (it must hold `index.js`) instead of building the app; tests use it for
   * small handlers. @default build app/lambda.ts into dist/lambda/
   */
  bundleDir?: string;
  /** @default now */
  now?: Date;
}

/** Builds (or takes) a bundle, packs it deterministically, reads its OpenAPI document and stores all three. */
export async function createRelease(options: CreateReleaseOptions): Promise<ReleaseManifest> {
  const dir = options.bundleDir ?? (await buildBundle(defaultBundleDir)).dir;
  const packed = await packBundleDir(dir);
  const openapi = await openapiOfBundle(path.resolve(dir, "index.js"));
  const manifest: ReleaseManifest = {
    digest: packed.digest,
    size: packed.zip.length,
    git: await gitState(),
    created: (options.now ?? new Date()).toISOString(),
    runtime: releaseRuntime,
    openapi: openapi === undefined ? null : canonicalDigest(openapi),
  };
  return options.store.put({ manifest, zip: packed.zip }, openapi);
}
