import { fork, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import { repoRoot } from "../core/paths";
import { benchPath } from "./events";
import { median } from "./stats";

/** The app behind the local API Gateway emulation against the same app on `app.listen`. */
export interface EmulatorResult {
  appListenRps: number;
  emulatorRps: number;
  /** emulatorRps / appListenRps */
  ratio: number;
  /**
   * CPU time (user + system, every thread) the server process spent per answered request over a timed run, µs
   * (median of the runs): unlike requests/s, it does not come in this VM's throughput steps.
   */
  appListenCpuUsPerRequest: number;
  emulatorCpuUsPerRequest: number;
  /** emulatorCpuUsPerRequest / appListenCpuUsPerRequest */
  cpuRatio: number;
  /** Non-2xx answers, socket errors and timeouts over every emulator run. */
  errors: number;
  /** Requests per timed run. */
  requests: number;
}

export interface EmulatorOptions {
  /** Requests per timed run. @default 10000 */
  requests: number;
  /** Timed runs per server, interleaved. @default 2 */
  rounds: number;
  /** Concurrent keep-alive connections. @default 10 */
  connections: number;
}

const defaults: EmulatorOptions = { requests: 10_000, rounds: 2, connections: 10 };

/**
 * Starts both servers in child processes (so autocannon, in this process, never shares their event loop), warms
 * each with 1,000 requests, then alternates timed runs of `requests` requests to `GET /v1/greetings/Ada`.
 */
export async function measureEmulator(
  bundle: { file: string },
  progress: (line: string) => void = () => undefined,
  options: EmulatorOptions = defaults,
): Promise<EmulatorResult> {
  if (!existsSync(path.join(repoRoot, "emulator", "index.ts"))) {
    throw new Error("emulator/index.ts does not exist yet: the emulator benchmark cannot run");
  }
  const servers = await Promise.all([startServer("app-listen", []), startServer("emulator", [bundle.file])]);
  try {
    const [appListen, emulator] = servers;
    const target = (url: string) => new URL(benchPath.slice(1), url).toString();
    const rps: Record<"app" | "emulator", number[]> = { app: [], emulator: [] };
    const cpu: Record<"app" | "emulator", number[]> = { app: [], emulator: [] };
    let errors = 0;
    for (const [name, server] of [["app", appListen], ["emulator", emulator]] as const) {
      const warm = await load(target(server.url), 1_000, options.connections);
      if (warm.failed > 0) throw new Error(`${name}: ${warm.failed} of 1000 warm-up requests failed`);
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const [name, server] of [["app", appListen], ["emulator", emulator]] as const) {
        const cpuBefore = await cpuUsOf(server.child);
        const run = await load(target(server.url), options.requests, options.connections);
        cpu[name].push(((await cpuUsOf(server.child)) - cpuBefore) / run.answered);
        if (name === "app" && run.failed > 0) throw new Error(`app.listen: ${run.failed} of ${options.requests} requests failed`);
        if (name === "emulator") errors += run.failed;
        rps[name].push(run.rps);
        progress(`emulator: round ${round + 1}/${options.rounds} ${name} ${Math.round(run.rps)} req/s, ${Math.round(cpu[name].at(-1)!)} µs CPU/request`);
      }
    }
    const appListenRps = median(rps.app);
    const emulatorRps = median(rps.emulator);
    const appListenCpuUsPerRequest = median(cpu.app);
    const emulatorCpuUsPerRequest = median(cpu.emulator);
    return {
      appListenRps,
      emulatorRps,
      ratio: emulatorRps / appListenRps,
      appListenCpuUsPerRequest,
      emulatorCpuUsPerRequest,
      cpuRatio: emulatorCpuUsPerRequest / appListenCpuUsPerRequest,
      errors,
      requests: options.requests,
    };
  } finally {
    for (const { child } of servers) child.disconnect();
  }
}

interface RunningServer {
  url: string;
  child: ChildProcess;
}

function startServer(name: string, args: string[]): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "servers", `${name}.ts`), args, {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      env: { ...process.env, FLEET_STAGE: "bench", AWS_REGION: "eu-west-1", FLEET_LOG_LEVEL: "info" },
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("message", (message) => resolve({ url: (message as { url: string }).url, child }));
    child.once("exit", (code) => reject(new Error(`${name} server exited with ${code} before listening: ${stderr.trim().slice(-1000)}`)));
  });
}

/** The server process's CPU time so far, µs (bench/servers/cpu-usage.ts answers). */
function cpuUsOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message !== "object" || message === null || !("cpuUs" in message)) return;
      child.off("message", onMessage);
      resolve(Number(message.cpuUs));
    };
    child.on("message", onMessage);
    child.send("cpu");
  });
}

async function load(url: string, amount: number, connections: number): Promise<{ rps: number; failed: number; answered: number }> {
  const started = performance.now();
  const result = await autocannon({ url, amount, connections });
  // Our own clock: autocannon's `duration` is too coarse for a run of a second or two.
  const seconds = (performance.now() - started) / 1000;
  const answered = result.requests.total;
  const failed = result.errors + result.timeouts + result.non2xx + Math.max(0, amount - answered);
  return { rps: answered / seconds, failed, answered };
}
