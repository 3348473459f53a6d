import { spawn } from "node:child_process";
import path from "node:path";

export interface CliResult {
  code: number | null;
  /** The signal that ended it, when one did (a crash point's SIGKILL). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const bin = path.resolve(__dirname, "../../cli/bin.js");

/**
 * Runs `fleet <args>` in a child process, as a user would, and collects its output. `root` runs the fleet of
 * another checkout (a temporary copy of the repository), from its root.
 */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; root?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.root ? path.join(options.root, "cli", "bin.js") : bin, ...args], {
      cwd: options.cwd ?? options.root ?? path.resolve(__dirname, "../.."),
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
