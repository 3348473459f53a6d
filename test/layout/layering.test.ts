import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../core/paths";

/**
 * Which folders each folder may import (relative imports, and `fleet/middleware` for the app): dependencies point
 * one way, core <- rooms <- cli, so a newcomer can tell from the tree what a change can break. Tests are left out:
 * a test may reach into any room it checks.
 */
const allowed: Record<string, readonly string[]> = {
  core: [],
  lambda: [],
  app: ["lambda"],
  build: ["core"],
  emulator: ["core"],
  artifacts: ["core", "build"],
  stacks: ["core", "artifacts", "build"],
  bootstrap: ["core", "stacks"],
  "local-cloud": ["core", "artifacts", "emulator"],
  targets: ["core", "artifacts", "local-cloud"],
  rollout: ["core", "artifacts", "targets"],
  cli: ["core", "build", "artifacts", "stacks", "bootstrap", "emulator", "local-cloud", "targets", "rollout"],
  bench: ["core", "build", "artifacts", "stacks", "emulator", "local-cloud", "lambda", "app"],
  ".": ["core"],
};

/** Every import of every tracked source file outside test folders, as [from folder, to folder, file, specifier]. */
function imports(): [string, string, string, string][] {
  const files = execFileSync("git", ["ls-files", "*.ts", "*.js"], { cwd: repoRoot, encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "" && !file.startsWith("test/") && !file.includes("/test/"));
  const found: [string, string, string, string][] = [];
  for (const file of files) {
    const text = readFileSync(path.join(repoRoot, file), "utf8");
    for (const match of text.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*["']((?:\.{1,2}\/|\.{1,2}$|fleet\/)[^"']*)["']/g)) {
      const specifier = match[1]!;
      const target = specifier.startsWith("fleet/") ? "lambda/middleware" : path.relative(repoRoot, path.resolve(repoRoot, path.dirname(file), specifier));
      found.push([folderOf(file), folderOf(target), file, specifier]);
    }
  }
  return found;
}

function folderOf(file: string): string {
  const first = file.split("/")[0]!;
  return file.includes("/") || !/\.(ts|js)$/.test(file) ? first : ".";
}

describe("layout: folders by role, dependencies one way", () => {
  it("every import between folders is one the layering allows (so there is no cycle between folders)", () => {
    const wrong = imports()
      .filter(([from, to]) => from !== to)
      .filter(([from, to]) => !(allowed[from] ?? []).includes(to))
      .map(([from, to, file, specifier]) => `${file}: ${from} -> ${to} ("${specifier}")`);
    assert.deepEqual(wrong, []);
  });

  it("the allowed graph itself has no cycle", () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (folder: string, trail: string[]): void => {
      if (done.has(folder)) return;
      assert.ok(!visiting.has(folder), `cycle: ${[...trail, folder].join(" -> ")}`);
      visiting.add(folder);
      for (const next of allowed[folder] ?? []) visit(next, [...trail, folder]);
      visiting.delete(folder);
      done.add(folder);
    };
    for (const folder of Object.keys(allowed)) visit(folder, []);
  });

  it("sees the imports it checks (relative, directory and alias imports), so an empty result means something", () => {
    const edges = new Set(imports().map(([from, to]) => `${from} -> ${to}`));
    for (const edge of ["artifacts -> build", "cli -> rollout", "local-cloud -> emulator", "app -> lambda", "stacks -> core", "bootstrap -> core", "bootstrap -> stacks", "cli -> bootstrap"]) assert.ok(edges.has(edge), edge);
  });

  it("the app imports fleet only through fleet/middleware, never a relative path out of app/", () => {
    const outward = imports().filter(([from, , , specifier]) => from === "app" && !specifier.startsWith("fleet/"));
    assert.deepEqual(outward.filter(([, to]) => to !== "app").map(([, , file, specifier]) => `${file}: ${specifier}`), []);
  });
});
