import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { repoRoot } from "../core/paths";
import { buildRelease, type PackedRelease } from "../artifacts/pack";
import { type Digest } from "../core/digest";

/**
 * Where the Lambda code comes from. The program asks this module for one release; `fleet plan` and the tests swap
 * the source (`useReleaseSource`) so they never depend on building the app.
 */

/** The code a stack deploys. */
export interface ResolvedRelease {
  /** FLEET_RELEASE and the `release` tag/output: the sha256 of the zip. */
  digest: Digest;
  /** The zip file shipped as the function's code (a `pulumi.asset.FileArchive`). */
  zipPath: string;
  /** Set when the zip could not be read (only a plan source tolerates that): why. */
  unavailable?: string;
}

/** How releases are obtained. */
export interface ReleaseSource {
  /** `release: build`: build the working tree into a zip. */
  build(): Promise<PackedRelease>;
  /** `release: sha256:<hex>`: the stored zip with that digest. */
  fetch(digest: Digest): Promise<ResolvedRelease>;
}

/** Local release store: `.fleet/releases/<hex>.zip`. */
export function storedReleasePath(digest: Digest, root = repoRoot): string {
  return path.join(root, ".fleet", "releases", `${digest.slice("sha256:".length)}.zip`);
}

/**
 * Reads a stored release and re-checks its sha256: a zip that does not hash to its name is never deployed.
 * @throws Error naming the file and the fix when it is missing or corrupt.
 */
export async function readStoredRelease(digest: Digest, root = repoRoot): Promise<ResolvedRelease> {
  const zipPath = storedReleasePath(digest, root);
  if (!existsSync(zipPath)) {
    throw new Error(`release ${digest} is not in the local release store (${path.relative(root, zipPath)}). Fix: fetch or build that release into the store, or set fleet:release to a stored digest`);
  }
  const actual = `sha256:${createHash("sha256").update(await readFile(zipPath)).digest("hex")}`;
  if (actual !== digest) {
    throw new Error(`release ${digest} is corrupt: ${path.relative(root, zipPath)} hashes to ${actual}. Fix: delete the file and fetch the release again`);
  }
  return { digest, zipPath };
}

/** What `pulumi up` uses: a real build, and the local store verified. */
export const defaultReleaseSource: ReleaseSource = {
  build: () => buildRelease(),
  fetch: (digest) => readStoredRelease(digest),
};

let source: ReleaseSource = defaultReleaseSource;

/** Replaces the release source (plan and tests); returns the previous one. */
export function useReleaseSource(next: ReleaseSource): ReleaseSource {
  const previous = source;
  source = next;
  return previous;
}

/**
 * Resolves `fleet:release` to a zip on disk. A build is written to `.fleet/build/<hex>.zip` (git-ignored) so
 * Pulumi hashes and uploads exactly the bytes whose digest becomes FLEET_RELEASE.
 */
export async function resolveRelease(release: string, root = repoRoot): Promise<ResolvedRelease> {
  if (release !== "build") return source.fetch(release as Digest);
  const packed = await source.build();
  const zipPath = path.join(root, ".fleet", "build", `${packed.digest.slice("sha256:".length)}.zip`);
  await mkdir(path.dirname(zipPath), { recursive: true });
  await writeFile(zipPath, packed.zip);
  return { digest: packed.digest, zipPath };
}
