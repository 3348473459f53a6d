import assert from "node:assert/strict";
import type { Digest } from "../../core/digest";
import { formatCall, formatPlan, formatRollout, formatUnfinished } from "../../cli/format";
import type { PromotionPlan } from "../../rollout/plans";
import { planRollout, summarizePlan } from "../../rollout/waves";
import type { RegionOutcome, RolloutReport } from "../../rollout/rollout";
import type { RegionAnswer } from "../../targets/call-regions";

const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;

function outcome(region: string, result: RegionOutcome["result"], live: Digest | null, reason?: string): RegionOutcome {
  return { key: `222222222222/${region}`, account: "222222222222", region, from: a, to: b, result, live, ...(reason ? { reason } : {}) };
}

describe("formatRollout", () => {
  const report = (overrides: Partial<RolloutReport>): RolloutReport => ({ stack: "prod", target: "local", action: "promote", rollout: "20261201T000000Z-0000abcd", ok: false, interrupted: false, regions: [], ...overrides });

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
    assert.match(text, /\nevery region is on the release in LIVE; run the promote again to finish it \(rollout 20261201T000000Z-0000abcd\)\n$/);
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
  const rollout = (keys: string[]) => summarizePlan(planRollout({ waves: [{ count: 1 }, { percent: 100 }], bake: 300_000, canary: [10] }, keys.map((key) => ({ key })), () => true));
  it("lines the destination's regions up in one column, whatever the length of their keys", () => {
    const region = (name: string) => ({ key: `222222222222/${name}`, account: "222222222222", region: name, url: undefined, release: undefined });
    const plan: PromotionPlan = { from: "dev", to: "prod", digest: b, sourceSmoke: [], current: [region("us-east-1"), region("eu-central-1")], api: [], waves: [["222222222222/us-east-1"], ["222222222222/eu-central-1"]], rollout: rollout(["222222222222/us-east-1", "222222222222/eu-central-1"]), unfinished: [] };
    const rows = formatPlan(plan).split("\n").filter((line) => line.includes(" -> "));
    assert.deepEqual(rows.map((line) => line.indexOf("(no release)")), [31, 31]);
  });

  it("prints each wave with its size and regions, the steps per region and the time the bakes take", () => {
    const region = (name: string) => ({ key: `222222222222/${name}`, account: "222222222222", region: name, url: undefined, release: undefined });
    const keys = ["us-east-1", "us-west-2", "eu-west-1"].map((name) => `222222222222/${name}`);
    const plan: PromotionPlan = { from: "dev", to: "prod", digest: b, sourceSmoke: [], current: keys.map((key) => region(key.split("/")[1]!)), api: [], waves: [], rollout: rollout(keys), unfinished: [] };
    const text = formatPlan(plan);
    assert.match(text, /\n  waves:\n    1\. 1    222222222222\/us-east-1\n    2\. 100% 222222222222\/us-west-2, 222222222222\/eu-west-1\n/);
    // Two waves of one group each, one canary step: (1 + 1) per wave, 4 bakes of 5m.
    assert.match(text, /\n  per region: 10%, then 100%, a bake of 5m after each step and after each wave \(probes as synthetic traffic, alarms watched\)\n  expected duration: at least 20m \(4 bakes of 5m\), plus each wave's deploys and smoke\n/);
  });

  it("shows a region an unfinished rollout left on either digest as redone, never as already there", () => {
    const region = { key: "222222222222/us-east-1", account: "222222222222", region: "us-east-1", url: undefined, release: b };
    const unfinished = [{ rollout: "20261201T000000Z-0000abcd", stack: "prod", key: region.key, account: region.account, region: region.region, from: a, to: b, since: "2026-12-01T00:00:00.000Z" }];
    const plan: PromotionPlan = { from: "dev", to: "prod", digest: b, sourceSmoke: [], current: [region], api: [], waves: [[region.key]], rollout: rollout([region.key]), unfinished };
    const text = formatPlan(plan);
    assert.match(text, new RegExp(`222222222222/us-east-1  ${a} or ${b} \\(unfinished rollout 20261201T000000Z-0000abcd\\) -> ${b}, redone`));
    assert.doesNotMatch(text, /already there/);
  });
});

describe("formatUnfinished", () => {
  it("shows a region stopped in a canary step with the step's weight beside the release it was going to", () => {
    const left = { rollout: "20261201T000000Z-0000abcd", stack: "prod", key: "222222222222/us-east-1", account: "222222222222", region: "us-east-1", from: a, to: b, since: "2026-12-01T00:00:00.000Z" };
    assert.match(formatUnfinished([], [{ ...left, weight: 10 }]), new RegExp(`prod +222222222222/us-east-1 +${a} +${b} \\(canary at 10%\\) +20261201T000000Z-0000abcd`));
    assert.doesNotMatch(formatUnfinished([], [left]), /canary/);
  });
});

describe("formatCall", () => {
  const answer = (overrides: Partial<RegionAnswer>): RegionAnswer => ({
    key: "111111111111/us-east-1", account: "111111111111", region: "us-east-1", url: "http://127.0.0.1:3000/health", status: 200, latencyMs: 12,
    release: a, headers: {}, body: "", bodyEncoding: "utf8", error: null, ...overrides,
  });

  it("prints one row per region: status, latency, the release cut to 12 hex digits, the body on one line", () => {
    const text = formatCall("dev", { method: "GET", path: "/health" }, [answer({ body: '{\n  "status": "ok"\n}\n' })]);
    assert.equal(text, `call dev: GET /health\nACCOUNT       REGION     HTTP  LATENCY  RELEASE              BODY\n111111111111  us-east-1  200   12 ms    sha256:aaaaaaaaaaaa  { "status": "ok" }\n`);
  });

  it("cuts a long body at 60 characters, marks an empty one, and shows a binary one by its size and type", () => {
    const rows = formatCall("dev", { method: "GET", path: "/" }, [
      answer({ body: "x".repeat(100) }),
      answer({ body: "" }),
      answer({ body: Buffer.from([1, 2, 3]).toString("base64"), bodyEncoding: "base64", headers: { "content-type": "image/png" } }),
    ]).split("\n");
    assert.ok(rows[2]!.endsWith(`${"x".repeat(59)}…`), rows[2]);
    assert.ok(rows[3]!.endsWith("(empty)"), rows[3]);
    assert.ok(rows[4]!.endsWith("(3 bytes of image/png, not text: --json has them in base64)"), rows[4]);
  });

  it("shows a region that did not answer with no status or release and the reason in place of the body", () => {
    const row = formatCall("dev", { method: "GET", path: "/" }, [answer({ status: null, release: null, body: null, bodyEncoding: null, error: "no answer within 500 ms (timed out)" })]).split("\n")[2];
    assert.match(row!, /^111111111111 +us-east-1 +- +12 ms +- +NO ANSWER: no answer within 500 ms \(timed out\)$/);
  });
});
