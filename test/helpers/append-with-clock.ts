/**
 * A machine whose clock is off: shifts this process's clock by `FLEET_TEST_CLOCK_OFFSET_MS`, then appends one
 * ledger record (`FLEET_TEST_RECORD`, JSON, its time taken from that clock) to the S3 store `FLEET_TEST_STORE` at
 * `FLEET_S3_ENDPOINT`. Run by the S3 store's tests as a child process: `node --import tsx append-with-clock.ts`.
 */
const offset = Number(process.env.FLEET_TEST_CLOCK_OFFSET_MS ?? 0);
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args: ConstructorParameters<DateConstructor> | []) {
    super(...((args.length > 0 ? args : [RealDate.now() + offset]) as [number]));
  }
  static override now(): number {
    return RealDate.now() + offset;
  }
} as DateConstructor;

// Loaded after the clock is shifted, so everything below (the SDK's signing too) runs on it.
const { S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
const { S3ReleaseStore } = require("../../artifacts/store/s3-store") as typeof import("../../artifacts/store/s3-store");
const client = new S3Client({ endpoint: process.env.FLEET_S3_ENDPOINT, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
const record = { ...JSON.parse(process.env.FLEET_TEST_RECORD!), time: new Date().toISOString() };
new S3ReleaseStore(process.env.FLEET_TEST_STORE!, client)
  .appendLedger([record])
  .finally(() => client.destroy())
  .catch((error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  });
