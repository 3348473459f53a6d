import { randomBytes } from "node:crypto";
import { appendFile, link, mkdir, open, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../../core/atomic-file";
import { digestOf, type Digest, hexOf } from "../../core/digest";
import { checkStackName } from "../../core/stack-name";
import { ledgerLines, parseLedger, type LedgerRead, type LedgerRecord } from "../ledger";
import { deadHolder, parseLockRecord, type StackLockRecord, type StoredLock } from "../lock";
import { parseManifest, type ReleaseManifest } from "../manifest";
import { ArtifactError, listReleases, type ListedRelease, type ReleaseStore, type StoredRelease } from "./store";

const ledgerFile = "ledger.jsonl";

/**
 * A release store in a local directory (default `.fleet/releases/`): `<hex>.zip`, `<hex>.json`, `<hex>.openapi.json`,
 * `ledger.jsonl` and `locks/<stack>.lock`.
 */
export class LocalReleaseStore implements ReleaseStore {
  readonly location: string;

  /** @param root the store directory; created on first write. */
  constructor(readonly root: string) {
    this.location = path.relative(process.cwd(), root) || ".";
  }

  async put(release: StoredRelease, openapi: unknown): Promise<ReleaseManifest> {
    const existing = await this.manifest(release.manifest.digest);
    if (existing && (await this.verifies(existing.digest))) return existing;
    const hex = hexOf(release.manifest.digest);
    await this.writing(async () => {
      await mkdir(this.root, { recursive: true });
      // The zip first and the manifest last: a manifest is only ever beside a complete zip.
      await writeFileAtomic(path.join(this.root, `${hex}.zip`), release.zip);
      await writeFileAtomic(path.join(this.root, `${hex}.openapi.json`), `${JSON.stringify(openapi ?? null)}\n`);
      await writeFileAtomic(path.join(this.root, `${hex}.json`), `${JSON.stringify(release.manifest, null, 2)}\n`);
    });
    return release.manifest;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.manifest(digest)) !== undefined;
  }

  async manifest(digest: Digest): Promise<ReleaseManifest | undefined> {
    const file = path.join(this.root, `${hexOf(digest)}.json`);
    const text = await readIfExists(file);
    return text === undefined ? undefined : parseManifest(text.toString("utf8"), file, digest);
  }

  async get(digest: Digest): Promise<StoredRelease> {
    const manifest = await this.manifest(digest);
    if (!manifest) throw this.missing(digest);
    return { manifest, zip: (await this.verifiedZip(digest)).zip };
  }

  /**
   * The zip of a release and its path, its sha256 re-checked: what the Pulumi program deploys (`fleet:release:
   * sha256:…`) and every other reader uses, so a zip that does not hash to its name is never served nor deployed.
   * @throws ArtifactError naming the file and the fix when it is missing or corrupt
   */
  async verifiedZip(digest: Digest): Promise<{ file: string; zip: Buffer }> {
    const file = this.zipPath(digest);
    const zip = await readIfExists(file);
    if (!zip) throw this.missing(digest);
    const actual = digestOf(zip);
    if (actual !== digest) {
      throw new ArtifactError(`release ${digest} in ${this.location} is corrupted: ${file} hashes to ${actual}. Fix: delete it and store the release again (fleet release, or fleet promote copies it)`);
    }
    return { file, zip };
  }

  /** Where a release's zip is (or would be) in this store. */
  zipPath(digest: Digest): string {
    return path.join(this.root, `${hexOf(digest)}.zip`);
  }

  private missing(digest: Digest): ArtifactError {
    return new ArtifactError(`release ${digest} is not in the store ${this.location}. Fix: run 'fleet release' (or pass --store where it was stored)`);
  }

  async openapi(digest: Digest): Promise<unknown> {
    const text = await readIfExists(path.join(this.root, `${hexOf(digest)}.openapi.json`));
    return text === undefined ? undefined : (JSON.parse(text.toString("utf8")) as unknown) ?? undefined;
  }

  async list(): Promise<ListedRelease[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return listReleases(names, (digest) => this.manifest(digest));
  }

  /**
   * Appends whole lines with one write to the end of the file (O_APPEND: concurrent appends never interleave), then
   * fsyncs. A torn last line left by a crash gets its newline first, so the new records never glue onto it.
   */
  async appendLedger(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lines = ledgerLines(records);
    await this.writing(async () => {
      await mkdir(this.root, { recursive: true });
      const handle = await open(path.join(this.root, ledgerFile), "a+");
      try {
        const { size } = await handle.stat();
        const last = Buffer.alloc(1);
        const torn = size > 0 && (await handle.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
        let pending = Buffer.from(`${torn ? "\n" : ""}${lines}`);
        while (pending.length > 0) pending = pending.subarray((await handle.write(pending)).bytesWritten);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  async assertWritable(): Promise<void> {
    await this.writing(async () => {
      await mkdir(this.root, { recursive: true });
      // Appending nothing opens the ledger for writing exactly as appendLedger will, and changes no byte.
      await appendFile(path.join(this.root, ledgerFile), "");
    });
  }

  async ledger(): Promise<LedgerRead> {
    const file = path.join(this.root, ledgerFile);
    const text = await readIfExists(file);
    return text ? parseLedger(text.toString("utf8"), path.relative(process.cwd(), file)) : { records: [], warnings: [] };
  }

  async createLock(record: StackLockRecord): Promise<StoredLock | undefined> {
    const file = this.lockFile(record.stack);
    return this.writing(async () => {
      await mkdir(path.dirname(file), { recursive: true });
      // Written whole and synced under a name of its own, then linked to the lock's name: link(2) fails when the
      // name exists, so exactly one of two rollouts gets the lock, and a lock file is never seen half-written.
      const temp = `${file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
      try {
        const handle = await open(temp, "wx");
        try {
          await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await link(temp, file);
        return { stack: record.stack, record, stale: undefined, version: record.rollout };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") return undefined;
        throw error;
      } finally {
        await rm(temp, { force: true });
      }
    });
  }

  async readLock(stack: string): Promise<StoredLock | undefined> {
    const file = this.lockFile(stack);
    const bytes = await readIfExists(file);
    if (bytes === undefined) return undefined;
    const record = parseLockRecord(bytes, stack);
    if (!record) return { stack, record: undefined, stale: `its file ${path.relative(process.cwd(), file)} is not a valid lock`, version: digestOf(bytes) };
    return { stack, record, stale: deadHolder(record), version: record.rollout };
  }

  /** A file lock lasts as long as its file: renewing checks it is still this one. */
  async renewLock(lock: StoredLock): Promise<StoredLock | undefined> {
    const current = await this.readLock(lock.stack);
    return current?.version === lock.version ? current : undefined;
  }

  async deleteLock(lock: StoredLock): Promise<boolean> {
    // Read, compare, remove: a file has no conditional delete, so a lock broken and taken again in the instant
    // between the two could go too; it takes a `fleet unlock` and a new rollout in that instant.
    if ((await this.readLock(lock.stack))?.version !== lock.version) return false;
    await rm(this.lockFile(lock.stack), { force: true });
    return true;
  }

  private lockFile(stack: string): string {
    return path.join(this.root, "locks", `${checkStackName(stack)}.lock`);
  }

  private async verifies(digest: Digest): Promise<boolean> {
    return this.verifiedZip(digest).then(
      () => true,
      () => false,
    );
  }

  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "ENOTDIR" || code === "EISDIR" || code === "EEXIST") {
        throw new ArtifactError(`the release store ${this.location} is not writable (${code}): fix its permissions or pass --store <dir|s3://bucket/prefix>`);
      }
      throw error;
    }
  }
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    // ENOTDIR: a file where a directory of the path should be; nothing can be stored there either.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw error;
  }
}
