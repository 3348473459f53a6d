import { logGroupName } from "../core/naming";
import type { RegionRef, Stage } from "../core/stage";
import { FunctionLogReader, functionLogFile } from "../local-cloud/function-logs";
import type { CloudWatchLogsClientFor } from "./cloudwatch-logs";

/** One line a region's function wrote, and when (ms since the epoch). */
export interface RegionLogEvent extends RegionRef {
  timestamp: number;
  message: string;
}

/** Where one region's function log is read from: each read returns what appeared since the last. */
export interface RegionLogSource {
  ref: RegionRef;
  read(): Promise<{ timestamp: number; message: string }[]>;
}

/** The local cloud's log of each region (local-cloud/function-logs.ts), in `dir`. */
export function localLogSources(stage: Stage, refs: RegionRef[], dir: string): RegionLogSource[] {
  return refs.map((ref) => {
    const reader = new FunctionLogReader(functionLogFile(dir, stage.stack, ref.key));
    return { ref, read: () => reader.read() };
  });
}

/**
 * Each region's function log group in CloudWatch Logs (`/fleet/<stack>/function`, where the stack's functions log),
 * read through the account's deploy role from `startTime` on. The SDK is loaded here, only for real accounts.
 */
export function cloudLogSources(stage: Stage, refs: RegionRef[], startTime: number, clientFor?: CloudWatchLogsClientFor): RegionLogSource[] {
  const logs = require("./cloudwatch-logs") as typeof import("./cloudwatch-logs");
  const open = clientFor ?? logs.logsThroughDeployRole;
  const roles = new Map(stage.config.targets.map((target) => [target.account, target.roleArn]));
  return refs.map((ref) => {
    const client = open({ stack: stage.stack, account: ref.account, roleArn: roles.get(ref.account)!, region: ref.region });
    const reader = new logs.LogGroupReader(client, logGroupName(stage.stack, "function"), startTime);
    return { ref, read: () => reader.read() };
  });
}

export interface ReadLogsOptions {
  /** Only lines written at or after this time (ms since the epoch). */
  since: number;
  /** Keep reading every `intervalMs` until `signal` aborts. @default false: read once */
  follow?: boolean;
  /** @default 1000 */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Receives each read's lines of every region merged by time (ties in the stage's order of regions). */
  onLines(lines: RegionLogEvent[]): void;
  /** A region that could not be read, once per distinct error; its lines are missing, the others' are not. */
  onError(ref: RegionRef, error: Error): void;
}

/**
 * Reads every region's function log, merged by time; with `follow`, again and again until aborted. Resolves to the
 * keys of the regions whose last read failed.
 */
export async function readRegionLogs(sources: RegionLogSource[], options: ReadLogsOptions): Promise<string[]> {
  const lastError = new Map<string, string>();
  for (;;) {
    const reads = await Promise.all(
      sources.map(async (source) => {
        try {
          const lines = await source.read();
          lastError.delete(source.ref.key);
          return lines.filter((line) => line.timestamp >= options.since).map((line) => ({ ...source.ref, ...line }));
        } catch (error) {
          const message = (error as Error).message;
          if (lastError.get(source.ref.key) !== message) options.onError(source.ref, error as Error);
          lastError.set(source.ref.key, message);
          return [];
        }
      }),
    );
    // A stable sort of the regions' lines in stage order: simultaneous lines keep it.
    const merged = reads.flat().sort((a, b) => a.timestamp - b.timestamp);
    if (merged.length > 0) options.onLines(merged);
    if (!options.follow || options.signal?.aborted) return [...lastError.keys()];
    const stopped = await pause(options.intervalMs ?? 1000, options.signal);
    if (stopped) return [...lastError.keys()];
  }
}

/** Waits `ms`; resolves true at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(false);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(true);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
