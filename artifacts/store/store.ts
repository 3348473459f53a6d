import type { Digest } from "../../core/digest";
import { FleetError } from "../../core/errors";
import type { LedgerRead, LedgerRecord } from "../ledger";
import type { StackLockRecord, StoredLock } from "../lock";
import type { ReleaseManifest } from "../manifest";

/** A release as the store hands it over: the zip (sha256 already re-checked), its manifest and OpenAPI document. */
export interface StoredRelease {
  manifest: ReleaseManifest;
  zip: Buffer;
}

/**
 * Where releases and the ledger live. Layout, the same in every implementation (relative to the store's root):
 * `<hex>.zip` (the Lambda code), `<hex>.json` (the manifest), `<hex>.openapi.json` (the OpenAPI document) and the
 * ledger. stacks/ reads `<root>/<hex>.zip` for `fleet:release: sha256:<hex>`.
 */
export interface ReleaseStore {
  /** Human-readable location, e.g. `.fleet/releases` or `s3://bucket/prefix`, for messages. */
  readonly location: string;
  /** Stores a release; storing the same digest twice keeps the first manifest (its created time). */
  put(release: StoredRelease, openapi: unknown): Promise<ReleaseManifest>;
  has(digest: Digest): Promise<boolean>;
  /** The manifest, or undefined when the digest is not in the store. */
  manifest(digest: Digest): Promise<ReleaseManifest | undefined>;
  /** Reads the zip and re-checks its sha256; throws `ArtifactError` when missing or corrupted. */
  get(digest: Digest): Promise<StoredRelease>;
  /** The OpenAPI document stored with the release, or undefined when it had none. */
  openapi(digest: Digest): Promise<unknown>;
  /** Every release the store holds, newest first, each with its problems (a corrupt manifest, a missing zip). */
  list(): Promise<ListedRelease[]>;
  /** Appends records to the ledger, durably and as whole lines, in one write: they are read back in this order. */
  appendLedger(records: LedgerRecord[]): Promise<void>;
  /**
   * Throws `ArtifactError` when the ledger cannot be written. A rollout checks it before changing anything, so a
   * read-only store refuses the change instead of leaving regions changed and unrecorded.
   */
  assertWritable(): Promise<void>;
  /** Every ledger record, oldest first (in the order appended), and a warning per line that had to be skipped. */
  ledger(): Promise<LedgerRead>;
  /**
   * Creates the stack's lock atomically when there is none (a file made with link(2), an S3 object put with
   * `If-None-Match: *`); undefined when one exists already (readLock says whose).
   */
  createLock(record: StackLockRecord): Promise<StoredLock | undefined>;
  /** The stack's lock, or undefined when it is not locked; whether its holder is gone is worked out here. */
  readLock(stack: string): Promise<StoredLock | undefined>;
  /** Keeps a held lock alive (S3: renews its lease); undefined when it is no longer that lock (broken, or taken). */
  renewLock(lock: StoredLock): Promise<StoredLock | undefined>;
  /** Removes the lock if it is still `lock`; false when it is gone already or is another one now. */
  deleteLock(lock: StoredLock): Promise<boolean>;
}

/** A release that is missing from the store, or whose bytes or manifest no longer match what was stored. */
export class ArtifactError extends FleetError {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactError";
  }
}

/** A stored manifest that cannot be its release's: not JSON, not a manifest, or another release's (parseManifest). */
export class CorruptManifestError extends ArtifactError {
  constructor(message: string) {
    super(message);
    this.name = "CorruptManifestError";
  }
}

/**
 * One release as a store lists it: its digest (from its file names), its manifest when that is readable and this
 * release's own, and every problem found, each with its fix. Nothing a store holds is hidden or crashes the list.
 */
export interface ListedRelease {
  digest: Digest;
  manifest: ReleaseManifest | undefined;
  problems: string[];
}

/**
 * Every release a store's file names (`<hex>.zip`, `<hex>.json`, among others) show, newest first, those with no
 * readable manifest last: how every store lists. `manifest` reads one; a corrupt one (not JSON, not a manifest,
 * another release's) is a problem of that release, never the whole list's; a read that fails otherwise throws.
 */
export async function listReleases(names: string[], manifest: (digest: Digest) => Promise<ReleaseManifest | undefined>): Promise<ListedRelease[]> {
  const zips = new Set<string>();
  const manifests = new Set<string>();
  for (const name of names) {
    const match = /^([0-9a-f]{64})\.(zip|json)$/.exec(name);
    if (match) (match[2] === "zip" ? zips : manifests).add(match[1]!);
  }
  const listed = await Promise.all(
    [...new Set([...manifests, ...zips])].map(async (hex): Promise<ListedRelease> => {
      const digest: Digest = `sha256:${hex}`;
      const problems: string[] = [];
      let read: ReleaseManifest | undefined;
      if (!manifests.has(hex)) problems.push(`no manifest: ${hex}.json is missing. Fix: store the release again (fleet release), or delete ${hex}.zip`);
      else {
        try {
          read = await manifest(digest);
        } catch (error) {
          if (!(error instanceof CorruptManifestError)) throw error;
          problems.push(error.message);
        }
      }
      if (!zips.has(hex)) problems.push(`its zip is gone: ${hex}.zip is missing, so it cannot be deployed. Fix: store the release again (fleet release), or delete ${hex}.json`);
      return { digest, manifest: read, problems };
    }),
  );
  return listed.sort((a, b) => (a.manifest && b.manifest ? byNewest(a.manifest, b.manifest) : a.manifest ? -1 : b.manifest ? 1 : a.digest.localeCompare(b.digest)));
}

/** Newest first, then by digest so equal times list in a stable order. */
export function byNewest(a: ReleaseManifest, b: ReleaseManifest): number {
  return a.created === b.created ? a.digest.localeCompare(b.digest) : a.created < b.created ? 1 : -1;
}
