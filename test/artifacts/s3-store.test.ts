import assert from "node:assert/strict";
import { hexOf } from "../../core/digest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createRelease } from "../../artifacts/create-release";
import { parseS3Url, S3ReleaseStore } from "../../artifacts/store/s3-store";
import { ArtifactError } from "../../artifacts/store/store";
import { testOpenApi, writeTestBundle, testProbes } from "../helpers/test-bundle";

// s3rver ships no types; this is the part the test uses.
const S3rver = require("s3rver") as new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };

describe("S3ReleaseStore (against s3rver on 127.0.0.1)", () => {
  let server: InstanceType<typeof S3rver>;
  let dataDir: string;
  let bundle: string;
  let client: S3Client;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fleet-s3rver-"));
    bundle = await writeTestBundle({ version: "s3" });
    server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dataDir, configureBuckets: [{ name: "releases" }] });
    const { port } = await server.run();
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
  });
  after(async () => {
    client?.destroy();
    await server?.close();
    await rm(dataDir, { recursive: true, force: true });
    await rm(bundle, { recursive: true, force: true });
  });

  it("stores a release under the prefix and reads it back with its sha256 checked", async () => {
    const store = new S3ReleaseStore("s3://releases/fleet/team", client);
    const manifest = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    assert.equal((await store.manifest(manifest.digest))?.digest, manifest.digest);
    const { zip } = await store.get(manifest.digest);
    assert.equal(zip.length, manifest.size);
    assert.deepEqual(await store.openapi(manifest.digest), testOpenApi());
    assert.deepEqual((await store.list()).map((m) => m.digest), [manifest.digest]);
    // Another prefix in the same bucket is another store.
    assert.deepEqual(await new S3ReleaseStore("s3://releases/other", client).list(), []);
  });

  it("refuses a corrupted artifact", async () => {
    const store = new S3ReleaseStore("s3://releases/corrupt", client);
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: `corrupt/${hexOf(digest)}.zip`, Body: Buffer.from("not the release") }));
    await assert.rejects(store.get(digest), (error: Error) => error instanceof ArtifactError && /is corrupted/.test(error.message));
  });

  it("appends ledger records as separate objects and reads them in order", async () => {
    const store = new S3ReleaseStore("s3://releases/ledger-test", client);
    const to = `sha256:${"c".repeat(64)}`;
    for (const region of ["us-east-1", "eu-west-1"]) {
      await store.appendLedger([{ time: new Date().toISOString(), action: "deploy", stack: "dev", account: "111111111111", region, from: null, to, result: "changed", live: to, who: "t" }]);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.deepEqual((await store.ledger()).map((r) => r.region), ["us-east-1", "eu-west-1"]);
  });

  it("reports a bucket it cannot write to", async () => {
    const store = new S3ReleaseStore("s3://no-such-bucket/x", client);
    await assert.rejects(createRelease({ store, bundleDir: bundle, probes: testProbes }), /s3:\/\/no-such-bucket\/x/);
    await assert.rejects(store.assertWritable(), (error: Error) => error instanceof ArtifactError && /s3:\/\/no-such-bucket\/x is not writable/.test(error.message));
    await new S3ReleaseStore("s3://releases/writable", client).assertWritable();
    // Listing (fleet releases, fleet status) says which store and what to check too, not a bare SDK error.
    await assert.rejects(store.list(), (error: Error) => error instanceof ArtifactError && /^cannot list s3:\/\/no-such-bucket\/x \(NoSuchBucket\): check the bucket exists/.test(error.message));
    await assert.rejects(store.ledger(), (error: Error) => error instanceof ArtifactError && /^cannot list s3:\/\/no-such-bucket\/x \(NoSuchBucket\)/.test(error.message));
  });

  it("parses s3:// locations and rejects anything else with the expected form", () => {
    assert.deepEqual(parseS3Url("s3://bucket/a/b/"), { bucket: "bucket", prefix: "a/b" });
    assert.deepEqual(parseS3Url("s3://bucket"), { bucket: "bucket", prefix: "" });
    assert.throws(() => parseS3Url("s3:/bucket"), /use s3:\/\/<bucket>\[\/<prefix>\]/);
  });
});
