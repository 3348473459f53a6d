import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { digestOf, type Digest, hexOf } from "../../core/digest";
import { checkStackName } from "../../core/stack-name";
import { ledgerLines, parseLedger, type LedgerRead, type LedgerRecord } from "../ledger";
import { parseLockRecord, type StackLockRecord, type StoredLock } from "../lock";
import { parseManifest, type ReleaseManifest } from "../manifest";
import { ArtifactError, listReleases, type ListedRelease, type ReleaseStore, type StoredRelease } from "./store";

/** `s3://bucket/prefix` split into its parts; the prefix has no leading or trailing slash. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`--store '${url}' is not an S3 location: use s3://<bucket>[/<prefix>]`);
  return { bucket: match[1]!, prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
}

/** `ledger/<16-digit sequence number>.jsonl`: one object per append, numbered by the store, not by a clock. */
const sequenceKey = (n: number) => `ledger/${String(n).padStart(16, "0")}.jsonl`;
const sequenced = /^ledger\/(\d{16})\.jsonl$/;
/** Objects written before the ledger was sequenced, named by the writer's clock: read first, in name order. */
const timeNamed = /^ledger\/\d{4}-\d\d-\d\dT[\d:.]+Z-[0-9a-f]+\.jsonl$/;

/**
 * A release store in an S3 bucket, same layout as the local one under `<prefix>/`. S3 cannot append, so each
 * ledger append is its own object, named by the next sequence number, claimed with a conditional put
 * (`If-None-Match: *`): two clients never take the same number, and the order is the order of the appends
 * whatever their clocks say.
 */
export class S3ReleaseStore implements ReleaseStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;
  /** The last ledger sequence number this client took or saw. */
  private sequence = 0;

  /**
   * @param options.leaseSeconds how long a stack lock lasts past its last renewal, by the store's clock (a holder
   * renews it every third of that) @default 60
   */
  constructor(
    url: string,
    private readonly client: S3Client = new S3Client(s3ConfigFromEnv()),
    private readonly options: { leaseSeconds?: number } = {},
  ) {
    ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(url));
    this.location = url;
  }

  async put(release: StoredRelease, openapi: unknown): Promise<ReleaseManifest> {
    const existing = await this.manifest(release.manifest.digest);
    if (existing && (await this.verifies(existing.digest))) return existing;
    const hex = hexOf(release.manifest.digest);
    // The zip first and the manifest last: a manifest is only ever beside a complete zip.
    await this.write(`${hex}.zip`, release.zip, "application/zip");
    await this.write(`${hex}.openapi.json`, Buffer.from(`${JSON.stringify(openapi ?? null)}\n`), "application/json");
    await this.write(`${hex}.json`, Buffer.from(`${JSON.stringify(release.manifest, null, 2)}\n`), "application/json");
    return release.manifest;
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.manifest(digest)) !== undefined;
  }

  async manifest(digest: Digest): Promise<ReleaseManifest | undefined> {
    const key = `${hexOf(digest)}.json`;
    const body = await this.read(key);
    return body === undefined ? undefined : parseManifest(body.toString("utf8"), `${this.location}/${key}`, digest);
  }

  async get(digest: Digest): Promise<StoredRelease> {
    const manifest = await this.manifest(digest);
    const zip = await this.read(`${hexOf(digest)}.zip`);
    if (!manifest || !zip) throw new ArtifactError(`release ${digest} is not in the store ${this.location}: run 'fleet release --store ${this.location}'`);
    const actual = digestOf(zip);
    if (actual !== digest) {
      throw new ArtifactError(`release ${digest} in ${this.location} is corrupted: its zip hashes to ${actual}. Store the release again`);
    }
    return { manifest, zip };
  }

  async openapi(digest: Digest): Promise<unknown> {
    const body = await this.read(`${hexOf(digest)}.openapi.json`);
    return body === undefined ? undefined : (JSON.parse(body.toString("utf8")) as unknown) ?? undefined;
  }

  async list(): Promise<ListedRelease[]> {
    return listReleases(await this.keys(""), (digest) => this.manifest(digest));
  }

  async appendLedger(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return;
    const body = Buffer.from(ledgerLines(records));
    for (let attempt = 0; attempt < 100; attempt++) {
      const next = (await this.lastSequence()) + 1;
      if (await this.create(sequenceKey(next), body, "application/x-ndjson")) {
        this.sequence = next;
        return;
      }
      // Another client claimed that number first: find the new last one and take the next.
    }
    throw new ArtifactError(`could not claim a ledger sequence number in ${this.location} after 100 attempts: too many writers at once; run the command again`);
  }

  async assertWritable(): Promise<void> {
    // S3 has no permission check short of writing: a small fixed object, overwritten each time.
    await this.write(".write-check", Buffer.alloc(0), "application/octet-stream");
  }

  async ledger(): Promise<LedgerRead> {
    const keys = await this.keys("ledger/");
    const read: LedgerRead = { records: [], warnings: [] };
    for (const key of keys.filter((k) => !sequenced.test(k) && !timeNamed.test(k))) read.warnings.push(`${this.location}/${key}: skipped: not a ledger object name`);
    // Sorting the names sorts the zero-padded sequence numbers; time-named objects come from before them.
    const ordered = [...keys.filter((k) => timeNamed.test(k)).sort(), ...keys.filter((k) => sequenced.test(k)).sort()];
    const bodies = await Promise.all(ordered.map((key) => this.read(key)));
    ordered.forEach((key, i) => {
      if (!bodies[i]) return;
      const part = parseLedger(bodies[i].toString("utf8"), `${this.location}/${key}`);
      read.records.push(...part.records);
      read.warnings.push(...part.warnings);
    });
    return read;
  }

  async createLock(record: StackLockRecord): Promise<StoredLock | undefined> {
    const leased = { ...record, leaseSeconds: this.options.leaseSeconds ?? 60 };
    const etag = await this.conditionalPut(this.lockKey(record.stack), Buffer.from(`${JSON.stringify(leased, null, 2)}\n`), { IfNoneMatch: "*" });
    return etag === undefined ? undefined : { stack: record.stack, record: leased, stale: undefined, version: etag };
  }

  /**
   * The lock and whether its lease has run out, measured by the store's clock alone (the object's Last-Modified
   * against the Date of the answer), so a client whose clock is off never takes a live lock for a stale one.
   */
  async readLock(stack: string): Promise<StoredLock | undefined> {
    const key = this.lockKey(stack);
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: this.key(key) });
    let serverDate: string | undefined;
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        serverDate = (result.response as { headers?: Record<string, string> }).headers?.date;
        return result;
      },
      { step: "deserialize", name: "fleetServerDate" },
    );
    let object;
    try {
      object = await this.client.send(command);
    } catch (error) {
      if ((error as { name?: string }).name === "NoSuchKey") return undefined;
      throw new ArtifactError(`cannot read ${this.location}/${key} (${(error as { name?: string }).name ?? (error as Error).message}): check the bucket and your AWS credentials`);
    }
    const body = Buffer.from(await object.Body!.transformToByteArray());
    const version = object.ETag ?? digestOf(body);
    const record = parseLockRecord(body, stack);
    if (!record) return { stack, record: undefined, stale: `${this.location}/${key} is not a valid lock`, version };
    const lease = (record.leaseSeconds ?? this.options.leaseSeconds ?? 60) * 1000;
    const age = serverDate && object.LastModified ? new Date(serverDate).getTime() - object.LastModified.getTime() : 0;
    const stale = age > lease ? `its lease ran out ${Math.round((age - lease) / 1000)} s ago (last renewed ${object.LastModified!.toISOString()}, by the store's clock)` : undefined;
    return { stack, record, stale, version };
  }

  /** Renews the lease: the same bytes put again, only if the lock is still this one (`If-Match`). */
  async renewLock(lock: StoredLock): Promise<StoredLock | undefined> {
    if (!lock.record) return undefined;
    const etag = await this.conditionalPut(this.lockKey(lock.stack), Buffer.from(`${JSON.stringify(lock.record, null, 2)}\n`), { IfMatch: lock.version });
    return etag === undefined ? undefined : { ...lock, version: etag };
  }

  async deleteLock(lock: StoredLock): Promise<boolean> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(this.lockKey(lock.stack)), IfMatch: lock.version }));
      return true;
    } catch (error) {
      if (conditionFailed(error) || (error as { name?: string }).name === "NoSuchKey") return false;
      throw this.notWritable(error);
    }
  }

  private lockKey(stack: string): string {
    return `locks/${checkStackName(stack)}.json`;
  }

  /** The highest ledger sequence number taken (0 for none); lists only past the last one this client saw. */
  private async lastSequence(): Promise<number> {
    const keys = await this.keys("ledger/", this.sequence > 0 ? sequenceKey(this.sequence) : undefined);
    return Math.max(this.sequence, ...keys.map((k) => Number(sequenced.exec(k)?.[1] ?? 0)));
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  /** Keys under `<prefix>/<sub>` (after `startAfter`, when given), relative to the prefix. */
  private async keys(sub: string, startAfter?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(sub), ContinuationToken: token, ...(startAfter ? { StartAfter: this.key(startAfter) } : {}) }),
        );
      } catch (error) {
        const code = (error as { name?: string }).name ?? (error as Error).message;
        throw new ArtifactError(`cannot list ${this.location} (${code}): check the bucket exists and your credentials may s3:ListBucket`);
      }
      for (const object of page.Contents ?? []) {
        if (object.Key) keys.push(this.prefix ? object.Key.slice(this.prefix.length + 1) : object.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  private async read(name: string): Promise<Buffer | undefined> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(name) }));
      return Buffer.from(await object.Body!.transformToByteArray());
    } catch (error) {
      const code = (error as { name?: string }).name;
      if (code === "NoSuchKey" || code === "NotFound") return undefined;
      throw new ArtifactError(`cannot read ${this.location}/${name} (${code ?? (error as Error).message}): check the bucket and your AWS credentials`);
    }
  }

  private async write(name: string, body: Buffer, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(name), Body: body, ContentType: contentType }));
    } catch (error) {
      throw this.notWritable(error);
    }
  }

  /** Writes `name` only if it does not exist yet (`If-None-Match: *`); false when it does. */
  private async create(name: string, body: Buffer, contentType: string): Promise<boolean> {
    return (await this.conditionalPut(name, body, { IfNoneMatch: "*" }, contentType)) !== undefined;
  }

  /** A put that S3 performs only if its condition holds: the new ETag, or undefined when it did not hold. */
  private async conditionalPut(name: string, body: Buffer, condition: { IfNoneMatch: "*" } | { IfMatch: string }, contentType = "application/json"): Promise<string | undefined> {
    try {
      const put = await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(name), Body: body, ContentType: contentType, ...condition }));
      return put.ETag ?? digestOf(body);
    } catch (error) {
      if (conditionFailed(error) || (error as { name?: string }).name === "NoSuchKey") return undefined;
      throw this.notWritable(error);
    }
  }

  private notWritable(error: unknown): ArtifactError {
    const code = (error as { name?: string }).name ?? (error as Error).message;
    return new ArtifactError(`the release store ${this.location} is not writable (${code}): check the bucket exists and your credentials may s3:PutObject`);
  }

  private async verifies(digest: Digest): Promise<boolean> {
    const zip = await this.read(`${hexOf(digest)}.zip`);
    return zip !== undefined && digestOf(zip) === digest;
  }
}

/**
 * A conditional write lost: 412 (the precondition did not hold) or 409 (a concurrent conditional write to the same
 * key won), as S3 answers `If-None-Match` / `If-Match`.
 */
function conditionFailed(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 412 || status === 409;
}

/**
 * The S3 client settings from the environment: the SDK's own chain for region and credentials, and
 * `FLEET_S3_ENDPOINT` for an S3-compatible server (path-style addressing, as such servers expect).
 */
export function s3ConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3ClientConfig {
  const endpoint = env.FLEET_S3_ENDPOINT;
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  };
}
