import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

const root = path.resolve(__dirname, "../..");

describe("Pulumi.yaml", () => {
  const project = parse(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as Record<string, any>;

  it("names the fleet nodejs project and points main at stacks/", () => {
    assert.equal(project.name, "fleet");
    assert.equal(project.runtime?.name ?? project.runtime, "nodejs");
    assert.equal(project.main, "stacks/");
  });

  it("disables default AWS providers so nothing deploys with ambient credentials", () => {
    assert.deepEqual(project.config?.["pulumi:disable-default-providers"]?.value, ["aws"]);
  });

  it("has a tsconfig.json in the program folder, where Pulumi's ts-node looks (pulumi/pulumi#10022), and npm test checks it", () => {
    assert.ok(existsSync(path.join(root, "stacks", "tsconfig.json")));
    const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts["check:stacks"], "tsc --noEmit -p stacks");
    assert.match(scripts.test ?? "", /npm run check:stacks/);
  });
});

describe("bootstrap/Pulumi.yaml", () => {
  const project = parse(readFileSync(path.join(root, "bootstrap", "Pulumi.yaml"), "utf8")) as Record<string, any>;

  it("is its own nodejs project, fleet-bootstrap, run from bootstrap/ without default AWS providers", () => {
    assert.equal(project.name, "fleet-bootstrap");
    assert.equal(project.runtime?.name ?? project.runtime, "nodejs");
    assert.equal(project.main, undefined, "the program is bootstrap/index.ts, beside its Pulumi.yaml");
    assert.ok(existsSync(path.join(root, "bootstrap", "index.ts")));
    assert.deepEqual(project.config?.["pulumi:disable-default-providers"]?.value, ["aws"]);
  });

  it("has its own tsconfig.json, and npm test type-checks it as Pulumi's ts-node compiles it", () => {
    assert.ok(existsSync(path.join(root, "bootstrap", "tsconfig.json")));
    const scripts = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    assert.equal(scripts["check:bootstrap"], "tsc --noEmit -p bootstrap");
    assert.match(scripts.test ?? "", /npm run check:bootstrap/);
  });
});
