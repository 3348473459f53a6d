import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { stageConfigKeys } from "../../core/stage-schema";

describe("README configuration reference", () => {
  it("lists exactly the keys of the stage schema, in its order", () => {
    const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const section = readme.split("### Configuration reference")[1]?.split(/\n## /)[0];
    assert.ok(section, "README has a Configuration reference section");
    const documented = [...section.matchAll(/^\| `fleet:([A-Za-z]+)` \|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, stageConfigKeys);
  });
});
