import assert from "node:assert/strict";
import { lastRollouts } from "../../cli/history";

const record = (time: string, action: string, stack: string, region: string, rollout?: string) => ({ time, action, stack, region, ...(rollout ? { rollout } : {}) });

describe("lastRollouts (fleet status --limit)", () => {
  const ledger = [
    record("t1", "deploy", "dev", "us-east-1"),
    record("t1", "deploy", "dev", "eu-west-1"),
    record("t2", "promote", "prod", "us-east-1"),
    record("t2", "promote", "prod", "us-west-2"),
    record("t2", "promote", "prod", "eu-west-1"),
    record("t2", "promote", "prod", "eu-central-1"),
  ];

  it("keeps the last n rollouts whole: every region of each, in ledger order", () => {
    assert.deepEqual(lastRollouts(ledger, 1), ledger.slice(2));
    assert.deepEqual(lastRollouts(ledger, 2), ledger);
    assert.deepEqual(lastRollouts(ledger, 9), ledger);
    assert.deepEqual(lastRollouts(ledger, 0), []);
    assert.deepEqual(lastRollouts([], 3), []);
  });

  it("tells rollouts apart by their id where records carry one, even when time, action and stack agree", () => {
    const same = [record("t", "deploy", "dev", "a", "r1"), record("t", "deploy", "dev", "b", "r1"), record("t", "deploy", "dev", "a", "r2")];
    assert.deepEqual(lastRollouts(same, 1), same.slice(2));
  });
});
