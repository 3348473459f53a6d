import assert from "node:assert/strict";
import { loadStage, UnknownStackError } from "../../core/stage";

describe("loadStage", () => {
  it("lists a stack's account x regions in stage-file order, with their keys", () => {
    assert.deepEqual(loadStage("prod").regions.map((r) => r.key), ["222222222222/us-east-1", "222222222222/us-west-2", "333333333333/eu-west-1", "333333333333/eu-central-1"]);
  });

  it("calls a stack without a Pulumi.<stack>.yaml unknown, lists the stacks there are and names a close one", () => {
    assert.throws(() => loadStage("nope"), (error: unknown) => {
      assert.ok(error instanceof UnknownStackError);
      assert.match(error.message, /^unknown stack 'nope': there is no Pulumi\.nope\.yaml \(stacks here: (.+, )?dev, prod(, .+)?\)\. Fix: use one of those, or add Pulumi\.nope\.yaml/);
      return true;
    });
    assert.throws(() => loadStage("prd"), /^UnknownStackError: unknown stack 'prd' \(did you mean 'prod'\?\)/);
    assert.throws(() => loadStage("dve"), /unknown stack 'dve' \(did you mean 'dev'\?\)/);
  });

  it("refuses a stack name that would be a path, before any file is read, with Pulumi's rule", () => {
    assert.throws(() => loadStage("/../../../../tmp/fx"), /^InvalidStackNameError: stack name "\/\.\.\/\.\.\/\.\.\/\.\.\/tmp\/fx" is not one Pulumi accepts/);
  });
});
