import { spawn } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";
import { lambdaBuildOptions } from "../build/bundle";
import { countInstructions } from "./callgrind";
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

/**
 * Millions of instructions (callgrind) of a fresh process loading a handler file and answering one REST v1 event,
 * median of `runs`: the app against a raw handler and its peers, each bundled with the app's build options.
 */
export interface ColdIrResult {
  raw: number;
  bareKoa: number;
  hono: number;
  fastify: number;
  app: number;
  /**
   * The plain-Koa fixture app (test/fixtures/apps/plain-koa) in fleet's bundle, answering its health path: fleet
   * around an app that brings little.
   */
  plainKoa: number;
  /** `node -e 0`: what no bundle can remove. */
  node: number;
  /** app / raw */
  ratio: number;
}

/** A built bundle the cold-start benchmarks load. */
export interface BuiltFile {
  file: string;
  bytes: number;
}

/** Handler files every cold-start measurement compares: the bench's peers, bundled into `workDir` once. */
export interface ColdEntries {
  raw: string;
  bareKoa: string;
  hono: string;
  fastify: string;
  /** The script that loads a handler file and answers one event (argv: <handler file> <event JSON>). */
  runner: string;
}

const peerEntries = { raw: "raw-lambda.ts", bareKoa: "bare-koa-lambda.ts", hono: "hono-lambda.ts", fastify: "fastify-lambda.ts" } as const;

/** Bundles the peers' Lambda entries (bench/cold/) and the runner into `workDir`. */
export async function bundleColdEntries(workDir: string): Promise<ColdEntries> {
  const out = (name: string) => path.join(workDir, name, "index.js");
  const entries = Object.fromEntries(Object.keys(peerEntries).map((name) => [name, out(name)])) as Omit<ColdEntries, "runner">;
  await Promise.all([
    ...Object.entries(peerEntries).map(([name, file]) => bundleFile(path.join("bench", "cold", file), out(name))),
    bundleFile(path.join("bench", "cold", "answer-one.ts"), out("runner")),
  ]);
  return { ...entries, runner: out("runner") };
}

/** The environment every cold process gets: nothing of the host's but PATH. */
const coldEnv = { PATH: process.env.PATH, FLEET_STAGE: "bench", AWS_REGION: "eu-west-1", FLEET_LOG_LEVEL: "info" };

/**
 * Starts fresh node processes in turn — the app bundle, a bundled raw handler, and bare `node -e 0` — each loading
 * its file and answering one REST v1 event, and reports the median wall time from spawn to exit.
 */
export async function measureColdStart(
  app: BuiltFile,
  entries: ColdEntries,
  options: { runs: number } = { runs: 25 },
  progress: (line: string) => void = () => undefined,
): Promise<ColdStartResult> {
  const event = JSON.stringify(restV1Event());
  const commands: Record<string, string[]> = {
    app: [entries.runner, app.file, event],
    raw: [entries.runner, entries.raw, event],
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
  return { bundleBytes: app.bytes, rawWallMs, appWallMs, ratio: appWallMs / rawWallMs, nodeWallMs: median(times.node!) };
}

/**
 * Counts the instructions of each cold process under callgrind, `runs` times each (rotated), two at a time:
 * instruction counts do not depend on what else runs, so both cores can work.
 */
export async function measureColdInstructions(
  handlers: { app: BuiltFile; plainKoa: BuiltFile & { path: string } },
  entries: ColdEntries,
  options: { runs: number; node?: string } = { runs: 3 },
  progress: (line: string) => void = () => undefined,
): Promise<ColdIrResult> {
  const event = JSON.stringify(restV1Event());
  const answer = (file: string, answered = event) => [entries.runner, file, answered];
  const commands: Record<Exclude<keyof ColdIrResult, "ratio">, string[]> = {
    raw: answer(entries.raw),
    bareKoa: answer(entries.bareKoa),
    hono: answer(entries.hono),
    fastify: answer(entries.fastify),
    app: answer(handlers.app.file),
    // The fixture has no greeting route: it answers its health path.
    plainKoa: answer(handlers.plainKoa.file, JSON.stringify({ ...restV1Event(), path: handlers.plainKoa.path })),
    node: ["-e", "0"],
  };
  const names = Object.keys(commands) as Array<keyof typeof commands>;
  const jobs = Array.from({ length: options.runs }, (_, run) => rotate(names, run)).flat();
  const counts = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<keyof typeof commands, number[]>;
  let done = 0;
  const worker = async () => {
    for (let name = jobs.shift(); name !== undefined; name = jobs.shift()) {
      counts[name].push(await countInstructions(options.node ?? process.execPath, commands[name], coldEnv));
      if (++done % names.length === 0) progress(`cold start (callgrind): ${done / names.length}/${options.runs} of each`);
    }
  };
  await Promise.all([worker(), worker()]);
  const result = Object.fromEntries(names.map((name) => [name, median(counts[name])])) as Omit<ColdIrResult, "ratio">;
  return { ...result, ratio: result.app / result.raw };
}

/** Bundles a bench entry with the app's own build options and plugins (minified CJS for node22), so neither side gets an edge. */
async function bundleFile(entry: string, outfile: string): Promise<void> {
  await build({ ...lambdaBuildOptions(outfile), entryPoints: [entry] });
}

function timeProcess(name: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: coldEnv });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`cold start of ${name} exited with ${code}: ${stderr.trim().slice(0, 500)}`));
    });
  });
}
