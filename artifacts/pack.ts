import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { buildBundle, defaultBundleDir } from "../build/bundle";
import { type Digest, digestOf } from "../core/digest";
import { deterministicZip } from "./zip";

export interface PackedRelease {
  digest: Digest;
  /** The Lambda code zip: `index.js` (and whatever else the bundle directory holds) at the root. */
  zip: Buffer;
}

/** Zips every file of a bundle directory deterministically; the zip's sha256 is the release digest. */
export async function packBundleDir(dir: string): Promise<PackedRelease> {
  const names = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
  const entries = await Promise.all(names.map(async (name) => ({ name, data: await readFile(path.join(dir, name)) })));
  const zip = deterministicZip(entries);
  return { digest: digestOf(zip), zip };
}

/** Builds the bundle from the working tree and packs it: the same source always gives the same digest. */
export async function buildRelease(outdir: string = defaultBundleDir): Promise<PackedRelease> {
  const bundle = await buildBundle(outdir);
  return packBundleDir(bundle.dir);
}
