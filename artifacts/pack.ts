import { readFile } from "node:fs/promises";
import path from "node:path";
import { buildPrivateBundle, defaultBundleDir, filesUnder } from "../build/bundle";
import { type Digest, digestOf } from "../core/digest";
import { deterministicZip } from "./zip";

export interface PackedRelease {
  digest: Digest;
  /** The Lambda code zip: `index.js` (and whatever else the bundle directory holds) at the root. */
  zip: Buffer;
}

/** Zips every file of a bundle directory deterministically; the zip's sha256 is the release digest. */
export async function packBundleDir(dir: string): Promise<PackedRelease> {
  const names = await filesUnder(dir);
  const entries = await Promise.all(names.map(async (name) => ({ name, data: await readFile(path.join(dir, name)) })));
  const zip = deterministicZip(entries);
  return { digest: digestOf(zip), zip };
}

/**
 * Builds the bundle from the working tree and packs it: the same source always gives the same digest. Packed from
 * the build's own directory before it is placed in `outdir`, so a concurrent build cannot change what is packed.
 */
export async function buildRelease(outdir: string = defaultBundleDir): Promise<PackedRelease> {
  const bundle = await buildPrivateBundle(outdir);
  try {
    const packed = await packBundleDir(bundle.dir);
    await bundle.place();
    return packed;
  } finally {
    await bundle.discard();
  }
}
