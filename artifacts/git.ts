import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { repoRoot } from "../core/paths";

const run = promisify(execFile);

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    return (await run("git", args, { cwd })).stdout.trim();
  } catch {
    return undefined;
  }
}

/** The commit of the working tree and whether it has uncommitted changes; commit is null outside a git repository. */
export async function gitState(cwd: string = repoRoot): Promise<{ commit: string | null; dirty: boolean }> {
  const commit = await git(["rev-parse", "HEAD"], cwd);
  if (commit === undefined) return { commit: null, dirty: true };
  const status = await git(["status", "--porcelain", "--untracked-files=no"], cwd);
  return { commit, dirty: status === undefined || status !== "" };
}

/** Who is acting, for the ledger: `git config user.name`, else $USER, else "unknown". */
export async function actor(cwd: string = repoRoot): Promise<string> {
  const name = await git(["config", "user.name"], cwd);
  return name || process.env.USER || process.env.USERNAME || "unknown";
}
