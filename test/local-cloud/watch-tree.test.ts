import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { isEditorTempFile, watchTree, type TreeWatcher } from "../../local-cloud/watch-tree";

/** Waits until `check` holds (a watcher takes a moment), failing after `ms`. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("watchTree (fleet start --watch's file watcher)", () => {
  let root: string;
  let watcher: TreeWatcher | undefined;
  let batches: string[][];
  const seen = (file: string) => batches.some((batch) => batch.includes(path.join(root, file)));
  const changesTo = (file: string) => batches.filter((batch) => batch.includes(path.join(root, file))).length;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "fleet-watch-"));
    mkdirSync(path.join(root, "routes"));
    writeFileSync(path.join(root, "index.ts"), "v0");
    writeFileSync(path.join(root, "routes", "a.ts"), "a0");
    batches = [];
    watcher = watchTree(root, (files) => batches.push(files), 30);
  });
  afterEach(() => {
    watcher?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("sees every save of a file that editors replace by renaming a new copy over it", async () => {
    for (let save = 1; save <= 3; save++) {
      writeFileSync(path.join(root, "routes", `.a.ts.${save}.tmp`), `a${save}`);
      renameSync(path.join(root, "routes", `.a.ts.${save}.tmp`), path.join(root, "routes", "a.ts"));
      await eventually(() => changesTo("routes/a.ts") === save);
    }
    assert.ok(batches.flat().every((file) => !file.includes(".tmp")), JSON.stringify(batches));
  });

  it("sees every sed -i (a temporary sedXXXXXX renamed over the file) and never reports sed's temporary file", async () => {
    for (let save = 1; save <= 3; save++) {
      execFileSync("sed", ["-i", `s/v${save - 1}/v${save}/`, path.join(root, "index.ts")]);
      await eventually(() => changesTo("index.ts") === save);
    }
    assert.deepEqual([...new Set(batches.flat())], [path.join(root, "index.ts")]);
  });

  it("ignores editors' swap, backup and probe files, then reports the real save", async () => {
    for (const name of [".index.ts.swp", "index.ts~", "4913", "#index.ts#", "index.ts___jb_tmp___"]) writeFileSync(path.join(root, name), "x");
    unlinkSync(path.join(root, "4913"));
    writeFileSync(path.join(root, "index.ts"), "v1");
    await eventually(() => seen("index.ts"));
    assert.deepEqual(batches.flat(), [path.join(root, "index.ts")]);
  });

  it("reports a deleted file, and files of a folder created after it started, then their later saves", async () => {
    unlinkSync(path.join(root, "routes", "a.ts"));
    await eventually(() => seen("routes/a.ts"));
    mkdirSync(path.join(root, "new"));
    writeFileSync(path.join(root, "new", "b.ts"), "b0");
    await eventually(() => seen("new/b.ts"));
    const before = changesTo("new/b.ts");
    writeFileSync(path.join(root, "new", "b.ts"), "b1");
    await eventually(() => changesTo("new/b.ts") > before);
  });

  it("tells editors' temporary names from source names", () => {
    for (const name of [".index.ts.swp", "index.ts.swx", "index.ts~", "4913", "#index.ts#", ".#index.ts", "index.ts___jb_old___", "sedAb12Cd", "x.tmp"]) assert.ok(isEditorTempFile(name), name);
    for (const name of ["index.ts", "routes.ts", "v2.json", "sed.ts", "a1.ts"]) assert.ok(!isEditorTempFile(name), name);
  });
});
