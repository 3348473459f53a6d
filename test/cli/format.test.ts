import assert from "node:assert/strict";
import type { Digest } from "../../core/digest";
import { formatPlan, formatRollout } from "../../cli/format";
import type { PromotionPlan } from "../../rollout/plans";
import type { RegionOutcome, RolloutReport } from "../../rollout/rollout";

const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;

function outcome(region: string, result: RegionOutcome["result"], live: Digest | null, reason?: string): RegionOutcome {
  return { key: `222222222222/${region}`, account: "222222222222", region, from: a, to: b, result, live, ...(reason ? { reason } : {}) };
}

describe("formatRollout", () => {
  const report = (overrides: Partial<RolloutReport>): RolloutReport => ({ stack: "prod", target: "local", action: "promote", ok: false, interrupted: false, regions: [], ...overrides });

  it("prints the table alone when the rollout is done", () => {
    const text = formatRollout(report({ ok: true, regions: [outcome("us-east-1", "changed", b)] }));
    assert.equal(text.split("\n")[0], "promote prod: done");
    assert.equal(text.trimEnd().split("\n").length, 3);
  });

  it("says what to do after a failed rollout whose regions were all put back", () => {
    const text = formatRollout(report({ regions: [outcome("us-east-1", "rolled back", a, "/health answered 500"), outcome("us-west-2", "untouched", a)] }));
    assert.match(text, /^promote prod: FAILED: changed regions were put back\n/);
    assert.match(text, /\nevery region is on the release in LIVE; fix what WHY says \(the release, or the region\), then run the promote again\n$/);
  });

  it("shows a region that serves no release as (none), and one whose state is unknown after a failed revert as unknown", () => {
    const rows = formatRollout(report({ regions: [outcome("us-east-1", "rolled back", null), outcome("us-west-2", "failed", null)] })).split("\n");
    assert.match(rows[2]!, /^222222222222  us-east-1  rolled back  sha256:aaaaaaaaaaaa  sha256:bbbbbbbbbbbb  \(none\)$/);
    assert.match(rows[3]!, /^222222222222  us-west-2  failed       sha256:aaaaaaaaaaaa  sha256:bbbbbbbbbbbb  unknown$/);
  });

  it("after an interrupt, says the command can be run again to finish", () => {
    const text = formatRollout(report({ interrupted: true, regions: [outcome("us-east-1", "rolled back", a, "interrupted (Ctrl-C)")] }));
    assert.match(text, /\nevery region is on the release in LIVE; run the promote again to finish it\n$/);
  });

  it("names the regions that could not be put back and the commands that recover them, with --local for the local cloud", () => {
    const failed = [outcome("us-east-1", "failed", null, "revert failed: boom"), outcome("us-west-2", "rolled back", a)];
    assert.match(
      formatRollout(report({ regions: failed })),
      /\n222222222222\/us-east-1 could not be put back \(see WHY\): check with 'fleet smoke --local --stack prod', then 'fleet rollback --local --stack prod --to <digest> --yes' to put them on a known release\n$/,
    );
    assert.match(formatRollout(report({ target: "pulumi", regions: failed })), /check with 'fleet smoke --stack prod', then 'fleet rollback --stack prod --to <digest> --yes'/);
  });
});

describe("formatPlan", () => {
  it("lines the destination's regions up in one column, whatever the length of their keys", () => {
    const region = (name: string) => ({ key: `222222222222/${name}`, account: "222222222222", region: name, url: undefined, release: undefined });
    const plan: PromotionPlan = { from: "dev", to: "prod", digest: b, sourceSmoke: [], current: [region("us-east-1"), region("eu-central-1")], api: [], waves: [["222222222222/us-east-1"], ["222222222222/eu-central-1"]] };
    const rows = formatPlan(plan).split("\n").filter((line) => line.includes(" -> "));
    assert.deepEqual(rows.map((line) => line.indexOf("(no release)")), [31, 31]);
  });
});
