import assert from "node:assert/strict";
import type { Digest } from "../../core/digest";
import type { LedgerRecord, OutcomeRecord } from "../../artifacts/ledger";
import { releasesToKeep } from "../../rollout/retention";

const d = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const record = (live: Digest | null, over: Partial<OutcomeRecord> = {}): LedgerRecord => ({
  step: "outcome",
  rollout: "20260101T000000Z-0000abcd",
  time: "2026-01-01T00:00:00.000Z",
  action: "deploy",
  stack: "prod",
  account: "222222222222",
  region: "us-east-1",
  from: null,
  to: live ?? d("f"),
  result: "changed",
  live,
  who: "t",
  ...over,
});

describe("releases a region keeps (rollout/retention.ts)", () => {
  it("keeps the last N distinct releases the region served, newest first, from its own records only", () => {
    const ledger: LedgerRecord[] = [
      record(d("1")),
      record(d("2")),
      record(d("9"), { region: "eu-west-1" }),
      record(d("8"), { stack: "dev" }),
      record(d("3")),
      record(null, { result: "failed" }),
      record(d("2"), { action: "rollback" }),
      // What a region was about to serve is not what it served.
      { step: "intent", rollout: "20260101T000000Z-0000abce", time: "2026-01-01T00:00:00.000Z", action: "deploy", stack: "prod", account: "222222222222", region: "us-east-1", from: d("2"), to: d("7"), who: "t" },
    ];
    assert.deepEqual(releasesToKeep(ledger, "prod", "222222222222", "us-east-1", 10), [d("2"), d("3"), d("1")]);
    assert.deepEqual(releasesToKeep(ledger, "prod", "222222222222", "us-east-1", 2), [d("2"), d("3")]);
    assert.deepEqual(releasesToKeep(ledger, "prod", "222222222222", "ap-south-1", 10), []);
  });
});
