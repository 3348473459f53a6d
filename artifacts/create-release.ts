import path from "node:path";
import { buildPrivateBundle, defaultBundleDir } from "../build/bundle";
import { packBundleDir } from "./pack";
import { gitState } from "./git";
import { loadFleetConfig, type Probes } from "../core/fleet-config";
import { releaseRuntime, type ReleaseManifest } from "./manifest";
import { canonicalDigest, openapiOfBundle } from "./openapi-of-bundle";
import type { ReleaseStore } from "./store/store";

export interface CreateReleaseOptions {
  store: ReleaseStore;
  /**
   * Pack this ready bundle directory (it must hold `index.js`) instead of building the app; tests use it for
   * small handlers. @default build the app of fleet.config.ts into dist/lambda/
   */
  bundleDir?: string;
  /** The probes to record (and the OpenAPI path to read). @default those of fleet.config.ts */
  probes?: Probes;
  /** @default now */
  now?: Date;
}

/**
 * Builds (or takes) a bundle, packs it deterministically, reads its OpenAPI document from the bundle itself (when
 * the app has one) and stores the zip, the document and the manifest with the app's probes. A build happens in a
 * directory of its own (then placed in dist/lambda/): the zip, its digest and the OpenAPI hash are of the same
 * bytes even while other builds of the tree run.
 */
export async function createRelease(options: CreateReleaseOptions): Promise<ReleaseManifest> {
  const probes = options.probes ?? loadFleetConfig();
  const built = options.bundleDir === undefined ? await buildPrivateBundle(defaultBundleDir) : undefined;
  try {
    const dir = options.bundleDir ?? built!.dir;
    const packed = await packBundleDir(dir);
    const openapi = probes.openapi ? await openapiOfBundle(path.resolve(dir, "index.js"), probes.openapi) : undefined;
    const manifest: ReleaseManifest = {
      digest: packed.digest,
      size: packed.zip.length,
      git: await gitState(),
      created: (options.now ?? new Date()).toISOString(),
      runtime: releaseRuntime,
      openapi: openapi === undefined ? null : canonicalDigest(openapi),
      probes: { health: probes.health, smoke: probes.smoke, openapi: probes.openapi ?? null },
    };
    const stored = await options.store.put({ manifest, zip: packed.zip }, openapi);
    await built?.place();
    return stored;
  } finally {
    await built?.discard();
  }
}
