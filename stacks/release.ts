import { mkdir, writeFile } from "node:fs/promises";
import { LocalReleaseStore } from "../artifacts/store/local-store";
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

/** The local release store of the repository at `root` (`.fleet/releases/`), where `pulumi up` finds releases. */
export function localStore(root = repoRoot): LocalReleaseStore {
  return new LocalReleaseStore(path.join(root, ".fleet", "releases"));
}

/**
 * Reads a stored release through the store's own verified reader: a zip that does not hash to its name is never
 * deployed. @throws ArtifactError naming the file and the fix when it is missing or corrupt.
 */
export async function readStoredRelease(digest: Digest, root = repoRoot): Promise<ResolvedRelease> {
  const { file } = await localStore(root).verifiedZip(digest);
  return { digest, zipPath: file };
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
