import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { BootstrapConfig } from "../../bootstrap/config";

describe("README bootstrap section", () => {
  const readme = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
  const section = readme.split("### Bootstrap: the deploy role of every account")[1]?.split(/\n### /)[0];

  it("lists exactly the keys of the bootstrap schema, in its order", () => {
    assert.ok(section, "README has the bootstrap section");
    const documented = [...section.matchAll(/^\| `fleet-bootstrap:([A-Za-z]+)` \|/gm)].map((match) => match[1]);
    assert.deepEqual(documented, Object.keys(BootstrapConfig.shape));
  });

  it("shows how to print the policy instead of a pasted copy of it", () => {
    assert.match(section!, /npx fleet bootstrap policy --account \d{12}/);
    assert.doesNotMatch(section!, /```json/, "no pasted policy document");
    assert.doesNotMatch(readme, /deploy-policy\.json/);
  });
});
