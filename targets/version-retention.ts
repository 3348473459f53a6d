import type { Digest } from "../core/digest";

/**
 * Which published Lambda versions of a region's function may go. `publish: true` makes a version per release and
 * Lambda keeps every one (each counts against the region's 75 GB code storage, and every read lists them all).
 * The decision is here, the calls in lambda-account.ts.
 */

/** A published version as ListVersionsByFunction gives it. */
export interface PublishedVersion {
  /** The version number, e.g. `"12"`. */
  version: string;
  /** Lambda's `CodeSha256`: the base64 sha256 of the zip, i.e. the release digest in another spelling. */
  codeSha256: string;
}

/** What points at versions: no version referenced here is ever deleted. */
export interface VersionReferences {
  /** Each alias: the version it serves and the versions it routes weighted traffic to (a canary). */
  aliases: { name: string; version: string; weighted: string[] }[];
  /** Qualifiers of the provisioned concurrency configs (version numbers, or alias names). */
  provisioned: string[];
}

/** The release digest of a version's code. */
export function digestOfVersion(version: PublishedVersion): Digest {
  return `sha256:${Buffer.from(version.codeSha256, "base64").toString("hex")}` as Digest;
}

/**
 * The versions to delete, oldest first: every numbered version except those an alias serves or routes weight to,
 * those with provisioned concurrency, and, for each release in `keep` (the ones the ledger can still roll the
 * region back to), its newest version. `$LATEST` is never a candidate.
 */
export function versionsToDelete(versions: readonly PublishedVersion[], references: VersionReferences, keep: readonly Digest[]): string[] {
  const kept = new Set<string>([...references.aliases.flatMap((alias) => [alias.version, ...alias.weighted]), ...references.provisioned]);
  const newestOf = new Map<Digest, PublishedVersion>();
  for (const version of versions) {
    const digest = digestOfVersion(version);
    const newest = newestOf.get(digest);
    if (!newest || Number(version.version) > Number(newest.version)) newestOf.set(digest, version);
  }
  for (const digest of keep) {
    const newest = newestOf.get(digest);
    if (newest) kept.add(newest.version);
  }
  return versions
    .filter((version) => /^\d+$/.test(version.version) && !kept.has(version.version))
    .map((version) => version.version)
    .sort((a, b) => Number(a) - Number(b));
}
