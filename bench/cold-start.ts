import { spawn } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";
import { lambdaBuildOptions } from "../build/bundle";
import { restV1Event } from "./events";
import { median, rotate } from "./stats";

/** Whole-process wall times of fresh `node` processes answering one event. */
export interface ColdStartResult {
  bundleBytes: number;
  rawWallMs: number;
  appWallMs: number;
  /** appWallMs / rawWallMs */
  ratio: number;
  /** `node -e 0` on this machine: the part of both figures that no bundle can remove. */
  nodeWallMs: number;
}

export interface ColdStartOptions {
  /** Timed processes per file (interleaved). @default 25 */
  runs: number;
}

/**
 * Starts fresh node processes in turn — the app bundle, a bundled raw handler, and bare `node -e 0` — each loading
 * its file and answering one REST v1 event, and reports the median wall time from spawn to exit.
 */
export async function measureColdStart(
  appBundle: { file: string; bytes: number },
  workDir: string,
  options: ColdStartOptions = { runs: 25 },
  progress: (line: string) => void = () => undefined,
): Promise<ColdStartResult> {
  const rawFile = path.join(workDir, "raw", "index.js");
  const runner = path.join(workDir, "answer-one.js");
  await bundleFile("bench/cold/raw-lambda.ts", rawFile);
  await bundleFile("bench/cold/answer-one.ts", runner);
  const event = JSON.stringify(restV1Event());
  const commands: Record<string, string[]> = {
    app: [runner, appBundle.file, event],
    raw: [runner, rawFile, event],
    node: ["-e", "0"],
  };
  const names = Object.keys(commands);
  for (const name of names) await timeProcess(name, commands[name]!); // warm the page cache; not counted
  const times: Record<string, number[]> = { app: [], raw: [], node: [] };
  for (let run = 0; run < options.runs; run++) {
    for (const name of rotate(names, run)) times[name]!.push(await timeProcess(name, commands[name]!));
    if ((run + 1) % 5 === 0) progress(`cold start: ${run + 1}/${options.runs} processes of each`);
  }
  const appWallMs = median(times.app!);
  const rawWallMs = median(times.raw!);
  return { bundleBytes: appBundle.bytes, rawWallMs, appWallMs, ratio: appWallMs / rawWallMs, nodeWallMs: median(times.node!) };
}

/** Bundles a bench entry with the app's own build options (minified CJS for node22), so neither side gets an edge. */
async function bundleFile(entry: string, outfile: string): Promise<void> {
  // The app's plugins rewrite koa's dependencies; a bench entry has none of them, so they are left out.
  await build({ ...lambdaBuildOptions(outfile), entryPoints: [entry], plugins: [] });
}

function timeProcess(name: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { PATH: process.env.PATH, FLEET_STAGE: "bench", AWS_REGION: "eu-west-1", FLEET_LOG_LEVEL: "info" },
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`cold start of ${name} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}
