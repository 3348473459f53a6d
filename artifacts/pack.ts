import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { buildBundle, defaultBundleDir } from "../build/bundle";
import { deterministicZip } from "./zip";

/** A release id: `sha256:` and the 64 lowercase hex digits of the release zip's sha256. */
export type Digest = `sha256:${string}`;

export const digestPattern = /^sha256:[0-9a-f]{64}$/;

export function isDigest(value: string): value is Digest {
  return digestPattern.test(value);
}

export function digestOf(bytes: Buffer): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

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
