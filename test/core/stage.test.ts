import assert from "node:assert/strict";
import { loadStage } from "../../core/stage";

describe("loadStage", () => {
  it("reads the repository's stage files: every account x region in file order", () => {
    assert.deepEqual(loadStage("prod").regions.map((r) => r.key), ["222222222222/us-east-1", "222222222222/us-west-2", "333333333333/eu-west-1", "333333333333/eu-central-1"]);
  });

  it("calls a stack without a Pulumi.<stack>.yaml unknown and lists the stacks there are", () => {
    assert.throws(() => loadStage("nope"), /^Error: unknown stack: there is no Pulumi\.nope\.yaml in .+ \(stacks here: (.+, )?dev, prod(, .+)?\)\. Fix: use one of those, or add Pulumi\.nope\.yaml/);
  });
});
