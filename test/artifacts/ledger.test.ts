import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseLedger, type LedgerRecord } from "../../artifacts/ledger";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import type { Digest } from "../../core/digest";

const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;

function outcome(region: string, over: Partial<Record<string, unknown>> = {}): LedgerRecord {
  return { step: "outcome", rollout: "20260101T000000Z-0000abcd", time: "2026-01-01T00:00:00.000Z", action: "deploy", stack: "dev", account: "111111111111", region, from: a, to: b, result: "changed", live: b, who: "t", ...over } as LedgerRecord;
}

describe("the ledger (artifacts/ledger.ts)", () => {
  it("skips every line that is not a valid record with a warning naming the file and the line, and reads the rest", () => {
    const lines = [
      JSON.stringify(outcome("us-east-1")),
      "not json at all",
      JSON.stringify(outcome("eu-west-1", { from: "sha256:../../../../tmp/evil" })),
      JSON.stringify(outcome("eu-west-1", { stack: "../../etc" })),
      JSON.stringify(outcome("eu-west-1", { account: "12345" })),
      JSON.stringify(outcome("moon-base-1")),
      JSON.stringify(outcome("eu-west-1", { rollout: "../x" })),
      JSON.stringify({ ...outcome("eu-west-1"), extra: 1 }),
      JSON.stringify({ ...outcome("eu-west-1"), step: "hook" }),
      "",
      JSON.stringify(outcome("ap-south-1")),
    ];
    const read = parseLedger(`${lines.join("\n")}\n`, "ledger.jsonl");
    assert.deepEqual(read.records.map((r) => r.region), ["us-east-1", "ap-south-1"]);
    assert.deepEqual(read.warnings, [
      "ledger.jsonl:2: skipped an unreadable ledger record (not JSON)",
      "ledger.jsonl:3: skipped an unreadable ledger record (from: is not a sha256:<64 hex> digest)",
      "ledger.jsonl:4: skipped an unreadable ledger record (stack: is not a stack name)",
      "ledger.jsonl:5: skipped an unreadable ledger record (account: is not a 12-digit account id)",
      "ledger.jsonl:6: skipped an unreadable ledger record (region: is not an AWS region)",
      "ledger.jsonl:7: skipped an unreadable ledger record (rollout: is not a rollout id)",
      'ledger.jsonl:8: skipped an unreadable ledger record (record: Unrecognized key: "extra")',
      "ledger.jsonl:9: skipped an unreadable ledger record (step: Invalid discriminator value. Expected 'intent' | 'outcome' | 'canary' | 'bake')",
    ]);
  });

  it("treats a last line without its newline as a write cut short, and reads records of the ledger before it was write-ahead as outcomes", () => {
    const legacy = { ...outcome("us-east-1") } as Record<string, unknown>;
    delete legacy.step;
    delete legacy.rollout;
    const read = parseLedger(`${JSON.stringify(legacy)}\n{"time":"2026`, "ledger.jsonl");
    assert.deepEqual(read.records.map((r) => [r.step, r.region, r.rollout]), [["outcome", "us-east-1", undefined]]);
    assert.deepEqual(read.warnings, ["ledger.jsonl:2: skipped an unfinished last line (a write cut short)"]);
  });
});

describe("LocalReleaseStore ledger appends", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-ledger-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("never glues a record onto a torn last line: the torn line stays skipped and the new record reads back whole", async () => {
    const store = new LocalReleaseStore(root);
    await store.appendLedger([outcome("us-east-1")]);
    const file = path.join(root, "ledger.jsonl");
    await appendFile(file, '{"time":"2026');
    await store.appendLedger([outcome("eu-west-1")]);
    const read = await store.ledger();
    assert.deepEqual(read.records.map((r) => r.region), ["us-east-1", "eu-west-1"]);
    assert.equal(read.warnings.length, 1);
    assert.match(read.warnings[0]!, /ledger\.jsonl:2: skipped an unreadable ledger record \(not JSON\)$/);
    assert.ok((await readFile(file, "utf8")).endsWith("\n"));
  });

  it("keeps every line whole when many appends run at once", async () => {
    const store = new LocalReleaseStore(root);
    const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "ap-northeast-1"];
    await Promise.all(regions.map((region) => store.appendLedger([outcome(region, { reason: "x".repeat(1500) }), outcome(region)])));
    const read = await store.ledger();
    assert.deepEqual(read.warnings, []);
    assert.equal(read.records.length, 20);
    assert.deepEqual([...new Set(read.records.map((r) => r.region))].sort(), [...regions].sort());
  });

  it("refuses to write a record it could not read back", async () => {
    const store = new LocalReleaseStore(root);
    await assert.rejects(store.appendLedger([outcome("eu-west-1", { to: "sha256:nope" })]));
    await writeFile(path.join(root, "ledger.jsonl"), "");
    assert.deepEqual((await store.ledger()).records, []);
  });
});
