import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "../../core/paths";

/**
 * A copy of the repository's files (tracked and new, not ignored) with `app/` and `fleet.config.ts` replaced by the
 * fixture app `test/fixtures/apps/<fixture>/` (its `index.ts` and `fleet.config.ts`), node_modules linked: a
 * checkout whose `cli/bin.js` a test can run, and whose app it may edit, without touching this one.
 */
export async function repositoryWith(fixture: string): Promise<string> {
  const copy = await mkdtemp(path.join(tmpdir(), `fleet-copy-${fixture}-`));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" })
    .split("\n")
    .filter((file) => file !== "" && !file.startsWith("app/") && file !== "fleet.config.ts");
  for (const file of files) {
    await mkdir(path.dirname(path.join(copy, file)), { recursive: true });
    await copyFile(path.join(repoRoot, file), path.join(copy, file)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error; // deleted in the working tree, not yet committed
    });
  }
  const source = path.join(repoRoot, "test", "fixtures", "apps", fixture);
  await mkdir(path.join(copy, "app"));
  await copyFile(path.join(source, "index.ts"), path.join(copy, "app", "index.ts"));
  await copyFile(path.join(source, "fleet.config.ts"), path.join(copy, "fleet.config.ts"));
  await symlink(path.join(repoRoot, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}
