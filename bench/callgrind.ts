import { spawn, spawnSync } from "node:child_process";

/**
 * Why instruction counts: on a shared 2-core machine wall times swing 3-5x with load, while the instructions a
 * process executes under `valgrind --tool=callgrind` repeat within 0.1-2% (every thread of the process counted).
 */

/** The reason callgrind cannot run here, or undefined when `valgrind` is on the PATH. */
export function callgrindUnavailable(): string | undefined {
  const probe = spawnSync("valgrind", ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
  if (probe.error || probe.status !== 0) {
    return "valgrind is not installed (apt-get install valgrind): cold-start instruction counts skipped";
  }
  return undefined;
}

/**
 * Runs `node <args>` under callgrind and returns the instructions it executed (`Collected :` of callgrind's
 * summary), in millions. Rejects when the process fails, so a broken bundle cannot look cheap.
 */
export function countInstructions(nodeBinary: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", nodeBinary, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      env,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const collected = /Collected\s*:\s*(\d+)/.exec(stderr);
      if (code === 0 && collected) resolve(Number(collected[1]) / 1e6);
      else reject(new Error(`callgrind of ${args.join(" ").slice(0, 200)} exited with ${code}: ${stderr.replace(/^==\d+==.*\n?/gm, "").trim().slice(0, 500)}`));
    });
  });
}
