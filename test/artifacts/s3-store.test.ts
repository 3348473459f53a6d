import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { hexOf, type Digest } from "../../core/digest";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { createRelease } from "../../artifacts/create-release";
import type { LedgerRecord } from "../../artifacts/ledger";
import type { StackLockRecord } from "../../artifacts/lock";
import { parseS3Url, S3ReleaseStore } from "../../artifacts/store/s3-store";
import { ArtifactError } from "../../artifacts/store/store";
import { s3rverCredentials, startConditionalS3, type ConditionalS3 } from "../helpers/conditional-s3";
import { testOpenApi, writeTestBundle, testProbes } from "../helpers/test-bundle";

const to = `sha256:${"c".repeat(64)}` as Digest;
// How far off the machines' clocks are, each way: S3 (and s3rver) refuse a request signed more than 15 minutes off.
const skew = 10 * 60_000;

/** One outcome record, stamped with the clock of the machine that writes it. */
function record(region: string, who: string, clock: Date): LedgerRecord {
  return { step: "outcome", rollout: "20260101T000000Z-0000abcd", time: clock.toISOString(), action: "deploy", stack: "dev", account: "111111111111", region, from: null, to, result: "changed", live: to, who };
}

function lockRecord(rollout: string, since: Date): StackLockRecord {
  return { stack: "prod", rollout, command: "fleet promote --from dev --to prod", holder: { user: "ci", host: "runner-7", pid: 4242 }, since: since.toISOString() };
}

describe("S3ReleaseStore (against s3rver on 127.0.0.1, with S3's conditional writes in front of it)", () => {
  let s3: ConditionalS3;
  let dataDir: string;
  let bundle: string;
  let client: S3Client;

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "fleet-s3rver-"));
    bundle = await writeTestBundle({ version: "s3" });
    s3 = await startConditionalS3(dataDir, ["releases"]);
    client = s3.client();
  });
  after(async () => {
    await s3?.close();
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
    assert.deepEqual(await store.list(), [{ digest: manifest.digest, manifest, problems: [] }]);
    // Another prefix in the same bucket is another store.
    assert.deepEqual(await new S3ReleaseStore("s3://releases/other", client).list(), []);
  });

  it("refuses a corrupted artifact", async () => {
    const store = new S3ReleaseStore("s3://releases/corrupt", client);
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: `corrupt/${hexOf(digest)}.zip`, Body: Buffer.from("not the release") }));
    await assert.rejects(store.get(digest), (error: Error) => error instanceof ArtifactError && /is corrupted/.test(error.message));
  });

  it("lists a release whose manifest object is not JSON with the problem, and the rest as they are", async () => {
    const store = new S3ReleaseStore("s3://releases/torn", client);
    const { digest } = await createRelease({ store, bundleDir: bundle, probes: testProbes });
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: `torn/${"e".repeat(64)}.json`, Body: Buffer.from("{ torn") }));
    const listed = await store.list();
    assert.deepEqual(listed.map((r) => [r.digest, r.manifest?.digest ?? null]), [[digest, digest], [`sha256:${"e".repeat(64)}`, null]]);
    assert.match(listed[1]!.problems.join(" | "), /s3:\/\/releases\/torn\/e{64}\.json is not JSON.* \| its zip is gone/);
  });

  it("s3rver alone ignores If-None-Match on a put (why the tests put S3's conditional writes in front of it)", async () => {
    const direct = new S3Client({ endpoint: s3.upstream, forcePathStyle: true, region: "us-east-1", credentials: s3rverCredentials });
    try {
      const put = (body: string) => direct.send(new PutObjectCommand({ Bucket: "releases", Key: "probe/once", Body: body, IfNoneMatch: "*" }));
      await put("first");
      await put("second");
      await assert.rejects(
        client.send(new PutObjectCommand({ Bucket: "releases", Key: "probe/once", Body: "third", IfNoneMatch: "*" })),
        (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 412,
      );
    } finally {
      direct.destroy();
    }
  });

  it("orders the ledger by the sequence the store hands out, not by the clocks of the two machines that wrote it", async () => {
    // Two processes, A's clock 10 minutes ahead and B's 10 minutes behind: by their clocks, B's record came first.
    const append = (region: string, who: string, offset: number) =>
      promisify(execFile)(process.execPath, ["--no-warnings", "--import", "tsx", path.join(__dirname, "../helpers/append-with-clock.ts")], {
        env: { ...process.env, FLEET_S3_ENDPOINT: s3.endpoint, FLEET_TEST_STORE: "s3://releases/skew", FLEET_TEST_CLOCK_OFFSET_MS: String(offset), FLEET_TEST_RECORD: JSON.stringify(record(region, who, new Date())) },
      });
    await append("us-east-1", "A", skew);
    await append("eu-west-1", "B", -skew);
    await append("ap-south-1", "A", skew);
    const read = await new S3ReleaseStore("s3://releases/skew", client).ledger();
    assert.deepEqual(read.records.map((r) => [r.region, r.who]), [["us-east-1", "A"], ["eu-west-1", "B"], ["ap-south-1", "A"]]);
    // Their clocks did disagree: the record written second says it was written first.
    assert.ok(read.records[1]!.time < read.records[0]!.time);
    assert.deepEqual(read.warnings, []);
  });

  it("loses no record when two clients append at the same time: each sequence number is claimed once", async () => {
    const one = new S3ReleaseStore("s3://releases/race", s3.client(skew));
    const two = new S3ReleaseStore("s3://releases/race", s3.client(-skew));
    const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-south-1"];
    await Promise.all(regions.map((region, i) => (i % 2 ? two : one).appendLedger([record(region, i % 2 ? "two" : "one", new Date())])));
    const read = await one.ledger();
    assert.deepEqual(read.records.map((r) => r.region).sort(), [...regions].sort());
    assert.deepEqual(read.warnings, []);
  });

  it("reads the time-named ledger objects of earlier versions first, and skips (with a warning) a line or an object it cannot read", async () => {
    const store = new S3ReleaseStore("s3://releases/old", client);
    const legacy = { ...record("us-east-1", "old", new Date("2026-01-01T00:00:00Z")) } as Record<string, unknown>;
    delete legacy.step;
    delete legacy.rollout;
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: "old/ledger/2026-01-01T00:00:00.000Z-0a1b2c3d.jsonl", Body: `${JSON.stringify(legacy)}\n` }));
    await store.appendLedger([record("eu-west-1", "new", new Date())]);
    const evil = JSON.stringify({ ...record("ap-south-1", "evil", new Date()), from: "sha256:../../../../tmp/evil" });
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: "old/ledger/0000000000000002.jsonl", Body: `${evil}\n` }));
    await client.send(new PutObjectCommand({ Bucket: "releases", Key: "old/ledger/notes.txt", Body: "hello" }));
    const read = await store.ledger();
    assert.deepEqual(read.records.map((r) => [r.region, r.step]), [["us-east-1", "outcome"], ["eu-west-1", "outcome"]]);
    assert.deepEqual(read.warnings, [
      "s3://releases/old/ledger/notes.txt: skipped: not a ledger object name",
      "s3://releases/old/ledger/0000000000000002.jsonl:1: skipped an unreadable ledger record (from: is not a sha256:<64 hex> digest)",
    ]);
  });

  it("locks a stack once: a conditional put makes the lock, a second one is refused, and readLock names the holder", async () => {
    const store = new S3ReleaseStore("s3://releases/locks", client);
    const held = await store.createLock(lockRecord("20260101T000000Z-00000001", new Date()));
    assert.ok(held);
    assert.equal(await store.createLock(lockRecord("20260101T000000Z-00000002", new Date())), undefined);
    const read = await store.readLock("prod");
    assert.deepEqual([read?.record?.rollout, read?.record?.holder, read?.record?.leaseSeconds, read?.stale], ["20260101T000000Z-00000001", { user: "ci", host: "runner-7", pid: 4242 }, 60, undefined]);
    assert.equal(await store.deleteLock(held), true);
    assert.equal(await store.readLock("prod"), undefined);
  });

  it("measures a lease by the store's clock: a reader whose clock is ahead sees a live lock, and the lock is stale only once the store's time passes the lease", async () => {
    const holder = new S3ReleaseStore("s3://releases/lease", s3.client(-skew), { leaseSeconds: 60 });
    const reader = new S3ReleaseStore("s3://releases/lease", s3.client(skew), { leaseSeconds: 60 });
    const held = await holder.createLock(lockRecord("20260101T000000Z-00000003", new Date(Date.now() - skew)));
    assert.ok(held);
    assert.equal((await reader.readLock("prod"))?.stale, undefined);
    s3.dateOffsetMs = 5 * 60_000;
    try {
      assert.match((await reader.readLock("prod"))?.stale ?? "", /^its lease ran out 2\d\d s ago \(last renewed .*, by the store's clock\)$/);
      // A renewal (the same bytes, If-Match the lock's ETag) makes it live again.
      const renewed = await holder.renewLock(held);
      assert.ok(renewed);
      s3.dateOffsetMs = 0;
      assert.equal((await reader.readLock("prod"))?.stale, undefined);
    } finally {
      s3.dateOffsetMs = 0;
    }
    // Broken by someone else: renewing and releasing the old lock both fail, and nothing of the new one is touched.
    const seen = (await reader.readLock("prod"))!;
    assert.equal(await reader.deleteLock(seen), true);
    const next = await reader.createLock(lockRecord("20260101T000000Z-00000004", new Date()));
    assert.ok(next);
    assert.equal(await holder.renewLock(held), undefined);
    assert.equal(await holder.deleteLock(held), false);
    assert.equal((await reader.readLock("prod"))?.record?.rollout, "20260101T000000Z-00000004");
  });

  it("refuses a stack name that would leave the locks/ prefix", async () => {
    const store = new S3ReleaseStore("s3://releases/locks", client);
    await assert.rejects(store.readLock("../evil"), /stack name "..\/evil" is not one Pulumi accepts/);
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
