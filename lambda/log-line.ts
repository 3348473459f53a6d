import type { LogEntry } from "./processors/event-processor";

/** Writes one log entry as one JSON line on stderr (CloudWatch keeps it as one structured event). */
export function writeLogLine(entry: LogEntry): void {
  process.stderr.write(`${JSON.stringify({ ...entry, source: "lambda-adapter" })}\n`);
}

/** An error as a log field: name, message and stack, never the raw object (which JSON drops). */
export function describeError(error: unknown): Record<string, unknown> | string {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error);
}
