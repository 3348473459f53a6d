import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

/**
 * A Node.js binary of `major` on this machine, to run the local cloud under the Node the functions run on in
 * Lambda: `node<major>` or `node-<major>` on PATH, then the installs of nvm, fnm, volta and n (newest first). Each
 * candidate is asked its version, so a stale link is never taken. Undefined when there is none.
 */
export function findNode(major: number, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = env.HOME ?? homedir();
  const onPath = (env.PATH ?? "").split(path.delimiter).filter(Boolean).flatMap((dir) => [`node${major}`, `node-${major}`].map((name) => path.join(dir, name)));
  const installs = [
    [path.join(env.NVM_DIR ?? path.join(home, ".nvm"), "versions", "node"), "v", "bin/node"],
    [path.join(env.FNM_DIR ?? path.join(home, ".local", "share", "fnm"), "node-versions"), "v", "installation/bin/node"],
    [path.join(env.VOLTA_HOME ?? path.join(home, ".volta"), "tools", "image", "node"), "", "bin/node"],
    [path.join(env.N_PREFIX ?? "/usr/local", "n", "versions", "node"), "", "bin/node"],
  ] as const;
  const installed = installs.flatMap(([dir, prefix, binary]) => versionsIn(dir, prefix, major).map((version) => path.join(dir, version, binary)));
  return [...onPath, ...installed].find((candidate) => existsSync(candidate) && majorOf(candidate) === major);
}

/** The folders of `dir` named `<prefix><major>.x.y`, newest first. */
function versionsIn(dir: string, prefix: string, major: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const parts = (name: string) => name.slice(prefix.length).split(".").map(Number);
  return names
    .filter((name) => name.startsWith(`${prefix}${major}.`) && parts(name).every(Number.isInteger))
    .sort((a, b) => {
      const [x, y] = [parts(a), parts(b)];
      return (y[1]! - x[1]!) || (y[2]! - x[2]!);
    });
}

function majorOf(binary: string): number | undefined {
  try {
    return Number(execFileSync(binary, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 10_000 }).trim().split(".")[0]);
  } catch {
    return undefined;
  }
}
