import assert from "node:assert/strict";
import { valueAt, withValue } from "../../core/config-issues";

describe("config errors echo the refused value (core/config-issues.ts)", () => {
  it("puts the value before the fix, or at the end when there is no fix", () => {
    assert.equal(withValue("is below the minimum. Fix: use 128..10240", 100), "is below the minimum (got 100). Fix: use 128..10240");
    assert.equal(withValue("must be rest or http", "soap"), 'must be rest or http (got "soap")');
    assert.equal(withValue("is required. Fix: set it", undefined), "is required. Fix: set it");
  });

  it("shows any value a file can hold without throwing, and cuts a long one", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    assert.equal(withValue("bad", 12n), "bad (got 12)");
    assert.equal(withValue("bad", { n: 1n }), 'bad (got {"n":"1"})');
    assert.equal(withValue("bad", cycle), "bad (got [object Object])");
    assert.equal(withValue("bad", Object.create(null)), "bad (got {})");
    const shown = withValue("bad", "x".repeat(1000));
    assert.ok(shown.length < 80 && shown.endsWith("…)"), shown);
  });

  it("finds the value at an issue's path, and nothing past a scalar", () => {
    assert.equal(valueAt({ targets: [{ regions: ["a", "b"] }] }, ["targets", 0, "regions", 1]), "b");
    assert.equal(valueAt({ memory: 5 }, ["memory", "x"]), undefined);
  });
});
