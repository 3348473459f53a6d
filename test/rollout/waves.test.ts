import assert from "node:assert/strict";
import { planRollout } from "../../rollout/waves";
import { testStage } from "../helpers/stages";

/** A stage of `n` regions in one account, with the given `fleet:rollout`. */
function stageOf(n: number, rollout: Record<string, unknown> = {}) {
  const regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-south-1", "ap-northeast-1"].slice(0, n);
  return testStage("prod", [["111111111111", regions]], { rollout });
}

const keys = (plan: ReturnType<typeof planRollout<{ key: string }>>) => plan.waves.map((wave) => wave.regions.map((r) => r.key.slice(13)));

describe("the wave plan (rollout/waves.ts)", () => {
  it("by default changes the first region alone, then all the others (the first region is the canary)", () => {
    const stage = stageOf(4);
    const plan = planRollout(stage.config.rollout, stage.regions, () => true);
    assert.deepEqual(keys(plan), [["us-east-1"], ["us-east-2", "us-west-1", "us-west-2"]]);
    assert.deepEqual(plan.waves.map((w) => [w.size, w.reach]), [["1", 1], ["100%", 4]]);
    assert.deepEqual([plan.canary, plan.bakeMs, plan.bakeTotalMs], [[], 0, 0]);
  });

  it("reaches each wave's cumulative share of the stage, percentages rounded up", () => {
    const stage = stageOf(10, { waves: [1, "25%", "50%", "100%"] });
    const plan = planRollout(stage.config.rollout, stage.regions, () => true);
    assert.deepEqual(plan.waves.map((w) => [w.size, w.reach, w.regions.length]), [["1", 1, 1], ["25%", 3, 2], ["50%", 5, 2], ["100%", 10, 5]]);
  });

  it("leaves out the regions already on the release: a wave that has nothing left to change is empty", () => {
    const stage = stageOf(4, { waves: [1, "50%", "100%"] });
    const plan = planRollout(stage.config.rollout, stage.regions, (r) => !r.key.endsWith("us-east-2"));
    assert.deepEqual(keys(plan), [["us-east-1"], [], ["us-west-1", "us-west-2"]]);
  });

  it("keeps a wave that a small stage's rounding makes reach no further, empty", () => {
    const stage = stageOf(2, { waves: [1, "25%", "100%"] });
    assert.deepEqual(keys(planRollout(stage.config.rollout, stage.regions, () => true)), [["us-east-1"], [], ["us-east-2"]]);
  });

  it("splits a wave into groups of maxConcurrent, in stage order", () => {
    const stage = stageOf(7, { waves: [1, "100%"], maxConcurrent: 2 });
    const plan = planRollout(stage.config.rollout, stage.regions, () => true);
    assert.deepEqual(plan.waves[1]!.groups.map((g) => g.map((r) => r.key.slice(13))), [["us-east-2", "us-west-1"], ["us-west-2", "eu-west-1"], ["eu-west-2", "eu-west-3"]]);
    assert.equal(plan.maxConcurrent, 2);
  });

  it("counts the bake time: after each canary step of each group and after each wave that changes something", () => {
    const stage = stageOf(4, { waves: [1, "50%", "100%"], bake: "5m", canary: [10, 50], maxConcurrent: 1 });
    const plan = planRollout(stage.config.rollout, stage.regions, () => true);
    // Waves of 1, 1 and 2 regions (two groups): (1×2+1) + (1×2+1) + (2×2+1) = 11 bakes of 5 minutes.
    assert.equal(plan.bakeTotalMs, 11 * 300_000);
    assert.deepEqual(plan.canary, [10, 50]);
    const quiet = planRollout(stage.config.rollout, stage.regions, (r) => r.key.endsWith("us-east-1"));
    assert.equal(quiet.bakeTotalMs, 3 * 300_000, "only the first wave changes anything");
  });

  it("with fast (rollback --fast) keeps the waves and drops canary steps and bakes", () => {
    const stage = stageOf(4, { waves: [1, "50%", "100%"], bake: "5m", canary: [10] });
    const plan = planRollout(stage.config.rollout, stage.regions, () => true, { fast: true });
    assert.deepEqual(keys(plan), [["us-east-1"], ["us-east-2"], ["us-west-1", "us-west-2"]]);
    assert.deepEqual([plan.canary, plan.bakeMs, plan.bakeTotalMs], [[], 0, 0]);
  });
});
