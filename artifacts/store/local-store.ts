import { appendFile, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { digestOf, type Digest, hexOf } from "../../core/digest";
import { parseLedgerLine, type LedgerRecord } from "../ledger";
import { parseManifest, type ReleaseManifest } from "../manifest";
import { ArtifactError, manifestsNamedBy, type ReleaseStore, type StoredRelease } from "./store";

const ledgerFile = "ledger.jsonl";

/** A release store in a local directory (default `.fleet/releases/`): `<hex>.zip`, `<hex>.json`, `<hex>.openapi.json`, `ledger.jsonl`. */
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
      await atomicWrite(path.join(this.root, `${hex}.zip`), release.zip);
      await atomicWrite(path.join(this.root, `${hex}.openapi.json`), Buffer.from(`${JSON.stringify(openapi ?? null)}\n`));
      await atomicWrite(path.join(this.root, `${hex}.json`), Buffer.from(`${JSON.stringify(release.manifest, null, 2)}\n`));
    });
    return release.manifest;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.manifest(digest)) !== undefined;
  }

  async manifest(digest: Digest): Promise<ReleaseManifest | undefined> {
    const file = path.join(this.root, `${hexOf(digest)}.json`);
    const text = await readIfExists(file);
    return text === undefined ? undefined : parseManifest(text.toString("utf8"), file);
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

  async list(): Promise<ReleaseManifest[]> {
    let names: string[];
    try {
      names = await readdir(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    return manifestsNamedBy(names, (digest) => this.manifest(digest));
  }

  async appendLedger(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.writing(async () => {
      await mkdir(this.root, { recursive: true });
      await appendFile(path.join(this.root, ledgerFile), records.map((r) => `${JSON.stringify(r)}\n`).join(""));
    });
  }

  async assertWritable(): Promise<void> {
    await this.writing(async () => {
      await mkdir(this.root, { recursive: true });
      // Appending nothing opens the ledger for writing exactly as appendLedger will, and changes no byte.
      await appendFile(path.join(this.root, ledgerFile), "");
    });
  }

  async ledger(): Promise<LedgerRecord[]> {
    const file = path.join(this.root, ledgerFile);
    const text = await readIfExists(file);
    if (!text) return [];
    return text
      .toString("utf8")
      .split("\n")
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => line.trim() !== "")
      .map(({ line, index }) => parseLedgerLine(line, `${file}:${index + 1}`));
  }

  private async verifies(digest: Digest): Promise<boolean> {
    return this.verifiedZip(digest).then(
      () => true,
      () => false,
    );
  }

  private async writing(write: () => Promise<void>): Promise<void> {
    try {
      await write();
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

// Write then rename: a reader (or stacks/ during `pulumi up`) never sees half a zip.
async function atomicWrite(file: string, data: Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}
