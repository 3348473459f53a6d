import { open } from "node:fs/promises";
import path from "node:path";
import { checkStackName } from "../core/stack-name";

/**
 * The local cloud's function logs, as CloudWatch Logs keeps a function's: one file per account × region of a stack,
 * `<dir>/logs/<stack>/<account>-<region>.log`, to which every worker serving that region (`fleet start`, `fleet
 * start --deployed`, a `--local` command serving the stack itself) appends each line the function writes as one
 * JSON line `{ timestamp, message }` (emulator/worker/runtime.js). Files, not a server: `fleet logs --local
 * --follow` reads them while any of those processes serves the stack, or after they stopped.
 */

/** `<dir>/logs/<stack>/<account>-<region>.log`. @throws InvalidStackNameError */
export function functionLogFile(dir: string, stack: string, key: string): string {
  const [account, region] = key.split("/");
  if (!/^\d{12}$/.test(account ?? "") || !/^[a-z0-9-]+$/.test(region ?? "")) throw new Error(`'${key}' is not an <account>/<region> key`);
  return path.join(dir, "logs", checkStackName(stack), `${account}-${region}.log`);
}

/** One line a function wrote, and when (ms since the epoch). */
export interface FunctionLogLine {
  timestamp: number;
  message: string;
}

/**
 * Reads one region's function log from where it last stopped: each call returns the whole lines appended since
 * (a line still being written waits for the next call). A file that became shorter was moved aside (its size bound,
 * see lambda-worker.ts) and is read again from its start. A line that is not a log record (a torn write after a
 * crash, an edit by hand) is skipped and counted, never glued to the next.
 */
export class FunctionLogReader {
  private offset = 0;
  private partial = "";
  /** Lines skipped because they were not `{ timestamp, message }` JSON. */
  skipped = 0;

  constructor(readonly file: string) {}

  /** The lines appended since the last call (the first call: all of them); none while the file does not exist. */
  async read(): Promise<FunctionLogLine[]> {
    let handle;
    try {
      handle = await open(this.file, "r");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size < this.offset) {
        this.offset = 0;
        this.partial = "";
      }
      if (size === this.offset) return [];
      const bytes = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, this.offset);
      this.offset += bytesRead;
      const text = this.partial + bytes.subarray(0, bytesRead).toString("utf8");
      const end = text.lastIndexOf("\n");
      this.partial = text.slice(end + 1);
      return end === -1 ? [] : this.parse(text.slice(0, end));
    } finally {
      await handle.close();
    }
  }

  private parse(text: string): FunctionLogLine[] {
    const lines: FunctionLogLine[] = [];
    for (const line of text.split("\n")) {
      const record = logRecord(line);
      if (record) lines.push(record);
      else this.skipped++;
    }
    return lines;
  }
}

function logRecord(line: string): FunctionLogLine | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value !== "object" || value === null) return undefined;
    const { timestamp, message } = value as Record<string, unknown>;
    return Number.isSafeInteger(timestamp) && typeof message === "string" ? { timestamp: timestamp as number, message } : undefined;
  } catch {
    return undefined;
  }
}
