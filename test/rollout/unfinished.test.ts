import assert from "node:assert/strict";
import type { LedgerRecord } from "../../artifacts/ledger";
import type { Digest } from "../../core/digest";
import { interruptedRegions } from "../../rollout/unfinished";

const [a, b, c] = ["a", "b", "c"].map((x) => `sha256:${x.repeat(64)}` as Digest) as [Digest, Digest, Digest];
const r1 = "20261201T100000Z-00000001";
const r2 = "20261201T110000Z-00000002";

function step(kind: "intent" | "outcome", rollout: string, region: string, from: Digest | null, to: Digest, time = "2026-12-01T10:00:00.000Z"): LedgerRecord {
  const base = { rollout, time, action: "promote" as const, stack: "prod", account: "222222222222", region, from, to, who: "t" };
  return kind === "intent" ? { step: "intent", ...base } : { step: "outcome", ...base, result: "changed", live: to };
}

describe("interruptedRegions (rollout/unfinished.ts)", () => {
  it("names each region whose intent no outcome of its rollout follows, with both digests it may be on", () => {
    const ledger = [step("intent", r1, "us-east-1", a, b), step("intent", r1, "us-west-2", a, b), step("outcome", r1, "us-west-2", a, b)];
    assert.deepEqual(interruptedRegions(ledger), [{ rollout: r1, stack: "prod", key: "222222222222/us-east-1", account: "222222222222", region: "us-east-1", from: a, to: b, since: "2026-12-01T10:00:00.000Z" }]);
  });

  it("keeps a region in doubt through its canary steps and bakes, at the weight of its last step; its outcome ends it", () => {
    const base = { rollout: r1, time: "2026-12-01T10:00:00.000Z", action: "promote" as const, stack: "prod", account: "222222222222", region: "us-east-1", from: a, to: b, who: "t" };
    const canary = (weight: number): LedgerRecord => ({ step: "canary", ...base, weight });
    const bake: LedgerRecord = { step: "bake", ...base, weight: 10, result: "passed", ms: 300_000, probes: 900, alarms: true };
    const ledger = [step("intent", r1, "us-east-1", a, b), canary(10), bake, canary(50)];
    assert.deepEqual(interruptedRegions(ledger).map((r) => [r.key, r.from, r.to, r.weight]), [["222222222222/us-east-1", a, b, 50]]);
    assert.deepEqual(interruptedRegions([...ledger, step("outcome", r1, "us-east-1", a, b)]), []);
    // Another rollout's canary record says nothing about this one's region.
    assert.equal(interruptedRegions([step("intent", r1, "us-east-1", a, b), { ...canary(10), rollout: r2 }])[0]!.weight, undefined);
  });

  it("is empty when every intent has its outcome, and leaves out a rollout that holds a live lock (under way)", () => {
    assert.deepEqual(interruptedRegions([step("intent", r1, "us-east-1", a, b), step("outcome", r1, "us-east-1", a, b)]), []);
    assert.deepEqual(interruptedRegions([step("intent", r1, "us-east-1", a, b)], new Set([r1])), []);
  });

  it("an outcome of another rollout does not close an intent; a rollout that takes the region over and finishes does", () => {
    const taken = [step("intent", r1, "us-east-1", a, b), step("outcome", r2, "us-east-1", a, c)];
    assert.equal(interruptedRegions(taken).length, 1);
    const redone = [step("intent", r1, "us-east-1", a, b), { ...step("intent", r2, "us-east-1", a, c), recovers: r1 } as LedgerRecord, step("outcome", r2, "us-east-1", a, c)];
    assert.deepEqual(interruptedRegions(redone), []);
  });

  it("through a chain of interrupted rollouts, keeps the digest the region had before the first and when it began", () => {
    const chain = [step("intent", r1, "us-east-1", a, b, "2026-12-01T10:00:00.000Z"), { ...step("intent", r2, "us-east-1", a, c, "2026-12-01T11:00:00.000Z"), recovers: r1 } as LedgerRecord];
    assert.deepEqual(interruptedRegions(chain).map((r) => [r.rollout, r.from, r.to, r.since]), [[r2, a, c, "2026-12-01T10:00:00.000Z"]]);
  });
});
