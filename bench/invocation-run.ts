import { fork } from "node:child_process";
import path from "node:path";
import { defaultInvocationOptions, type InvocationOptions, type InvocationResult } from "./invocation";

/**
 * Runs the warm-invocation benchmark in a child process (see invocation-worker.ts) so the app's request logs go
 * to /dev/null instead of mixing with the report, and every implementation shares that one fresh process.
 */
export function runInvocationWorker(
  bundleFile: string,
  progress: (line: string) => void,
  options: InvocationOptions = defaultInvocationOptions,
): Promise<InvocationResult> {
  return new Promise((resolve, reject) => {
    let result: InvocationResult | undefined;
    const child = fork(path.join(__dirname, "invocation-worker.ts"), [bundleFile, JSON.stringify(options)], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, FLEET_STAGE: "bench", AWS_REGION: "eu-west-1", FLEET_LOG_LEVEL: "info" },
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split("\n")) if (line.startsWith("invocation: ")) progress(line);
    });
    child.on("message", (message) => (result = message as InvocationResult));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`the invocation benchmark exited with ${code}:\n${stderr.trim().slice(-2000)}`));
    });
  });
}
