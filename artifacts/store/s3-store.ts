import { randomBytes } from "node:crypto";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { digestOf, type Digest, hexOf } from "../../core/digest";
import { parseLedgerLine, type LedgerRecord } from "../ledger";
import { parseManifest, type ReleaseManifest } from "../manifest";
import { ArtifactError, manifestsNamedBy, type ReleaseStore, type StoredRelease } from "./store";

/** `s3://bucket/prefix` split into its parts; the prefix has no leading or trailing slash. */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match) throw new Error(`--store '${url}' is not an S3 location: use s3://<bucket>[/<prefix>]`);
  return { bucket: match[1]!, prefix: (match[2] ?? "").replace(/^\/+|\/+$/g, "") };
}

/**
 * A release store in an S3 bucket, same layout as the local one under `<prefix>/`. S3 cannot append, so each
 * ledger write is its own object `ledger/<time>-<random>.jsonl`; reading lists them in key (= time) order.
 */
export class S3ReleaseStore implements ReleaseStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(
    url: string,
    private readonly client: S3Client = new S3Client(s3ConfigFromEnv()),
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
    return body === undefined ? undefined : parseManifest(body.toString("utf8"), `${this.location}/${key}`);
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

  async list(): Promise<ReleaseManifest[]> {
    return manifestsNamedBy(await this.keys(""), (digest) => this.manifest(digest));
  }

  async appendLedger(records: LedgerRecord[]): Promise<void> {
    if (records.length === 0) return;
    const key = `ledger/${new Date().toISOString()}-${randomBytes(4).toString("hex")}.jsonl`;
    await this.write(key, Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join("")), "application/x-ndjson");
  }

  async assertWritable(): Promise<void> {
    // S3 has no permission check short of writing: a small fixed object, overwritten each time.
    await this.write(".write-check", Buffer.alloc(0), "application/octet-stream");
  }

  async ledger(): Promise<LedgerRecord[]> {
    const keys = (await this.keys("ledger/")).sort();
    const records: LedgerRecord[] = [];
    for (const key of keys) {
      const body = await this.read(key);
      if (!body) continue;
      body
        .toString("utf8")
        .split("\n")
        .forEach((line, index) => {
          if (line.trim() !== "") records.push(parseLedgerLine(line, `${this.location}/${key}:${index + 1}`));
        });
    }
    return records;
  }

  private key(name: string): string {
    return this.prefix ? `${this.prefix}/${name}` : name;
  }

  /** Keys under `<prefix>/<sub>`, relative to the prefix. */
  private async keys(sub: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.key(sub), ContinuationToken: token }));
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
      const code = (error as { name?: string }).name ?? (error as Error).message;
      throw new ArtifactError(`the release store ${this.location} is not writable (${code}): check the bucket exists and your credentials may s3:PutObject`);
    }
  }

  private async verifies(digest: Digest): Promise<boolean> {
    const zip = await this.read(`${hexOf(digest)}.zip`);
    return zip !== undefined && digestOf(zip) === digest;
  }
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
