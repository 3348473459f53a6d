import { type Digest, isDigest } from "../../core/digest";
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
  /** Every release's manifest, newest first. */
  list(): Promise<ReleaseManifest[]>;
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

/**
 * The manifests a store's file names (`<hex>.json`, among others) name, newest first: how every store lists.
 * `manifest` reads one; a name whose manifest is gone is skipped.
 */
export async function manifestsNamedBy(names: string[], manifest: (digest: Digest) => Promise<ReleaseManifest | undefined>): Promise<ReleaseManifest[]> {
  const digests = names
    .filter((name) => /^[0-9a-f]{64}\.json$/.test(name))
    .map((name) => `sha256:${name.slice(0, 64)}`)
    .filter(isDigest);
  const manifests = await Promise.all(digests.map(manifest));
  return manifests.filter((m): m is ReleaseManifest => m !== undefined).sort(byNewest);
}

/** Newest first, then by digest so equal times list in a stable order. */
export function byNewest(a: ReleaseManifest, b: ReleaseManifest): number {
  return a.created === b.created ? a.digest.localeCompare(b.digest) : a.created < b.created ? 1 : -1;
}
