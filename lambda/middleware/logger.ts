/**
 * fleet's structured logger: one JSON line per entry with Powertools for AWS Lambda's standard keys
 * (`level`, `message`, `timestamp`, `service`, `xray_trace_id`, then the entry's fields, such as `cold_start`
 * and `function_request_id` on the request line), so CloudWatch Logs Insights queries written for Powertools
 * work unchanged.
 *
 * Why not Powertools' Logger itself: measured on the warm path (`npm run bench`), its `info` cost ~15 µs per
 * request (a log item object graph, attribute merging, a Console round trip) and 23 KB of the bundle; this writes
 * the same line with one JSON.stringify and one write.
 */
import { writeSync } from "node:fs";

/** Levels from most to least verbose; a logger writes entries at its level and above. `silent` writes nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

/** Fields of one entry; an Error value is written as `{ name, message, stack }` (JSON would drop it). */
export type LogFields = Record<string, unknown>;

/** What the app logs through; {@link JsonLogger} is the implementation. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Options of {@link JsonLogger}. */
export interface JsonLoggerOptions {
  /** The `service` key of every line. */
  service: string;
  /** @default "info" */
  level?: LogLevel;
  /**
   * Receives each finished line (with its newline). @default debug/info to stdout, warn/error to stderr, as
   * Powertools does; Lambda sends both to CloudWatch Logs.
   */
  write?: (line: string, level: Exclude<LogLevel, "silent">) => void;
}

const severity: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** One JSON line per entry, Powertools' key names, one write. */
export class JsonLogger implements Logger {
  private readonly threshold: number;
  private readonly serviceJson: string;
  private readonly write: (line: string, level: Exclude<LogLevel, "silent">) => void;

  constructor(options: JsonLoggerOptions) {
    this.threshold = severity[options.level ?? "info"];
    this.serviceJson = JSON.stringify(options.service);
    this.write = options.write ?? writeToStdio;
  }

  debug(message: string, fields?: LogFields): void {
    if (this.threshold <= severity.debug) this.emit("DEBUG", "debug", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    if (this.threshold <= severity.info) this.emit("INFO", "info", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    if (this.threshold <= severity.warn) this.emit("WARN", "warn", message, withErrorsDescribed(fields));
  }

  error(message: string, fields?: LogFields): void {
    if (this.threshold <= severity.error) this.emit("ERROR", "error", message, withErrorsDescribed(fields));
  }

  // Most messages are constants ("request"): their JSON is kept from the last line.
  private lastMessage = "";
  private lastMessageJson = '""';

  private emit(levelName: string, level: Exclude<LogLevel, "silent">, message: string, fields: LogFields | undefined): void {
    if (message !== this.lastMessage) {
      this.lastMessage = message;
      this.lastMessageJson = JSON.stringify(message);
    }
    let line = `{"level":"${levelName}","message":${this.lastMessageJson},"timestamp":"${isoTimestamp()}","service":${this.serviceJson}${xrayTraceField()}`;
    const rest = fields === undefined ? "{}" : JSON.stringify(fields);
    line += rest.length > 2 ? `,${rest.slice(1)}\n` : "}\n";
    this.write(line, level);
  }
}

// The ISO timestamp of the last millisecond logged: under load many lines share one, and formatting a Date is
// a quarter of a line's cost.
let lastMs = -1;
let lastIso = "";

/** `new Date().toISOString()`, formatted at most once per millisecond. */
function isoTimestamp(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

// The trace header of the last line and its `,"xray_trace_id":…` field: every line of one invocation shares it.
let lastTraceHeader: string | undefined;
let lastTraceField = "";

/**
 * Lambda sets `_X_AMZN_TRACE_ID` per invocation (`Root=1-…;Parent=…;Sampled=1`); Powertools logs its Root as
 * `xray_trace_id`. The field (with its leading comma), or "" when there is no trace; parsed once per header value.
 */
function xrayTraceField(): string {
  const header = process.env._X_AMZN_TRACE_ID;
  if (header !== lastTraceHeader) {
    lastTraceHeader = header;
    const root = header ? /(?:^|;)Root=([^;]+)/.exec(header)?.[1] : undefined;
    lastTraceField = root === undefined ? "" : `,"xray_trace_id":${JSON.stringify(root)}`;
  }
  return lastTraceField;
}

function withErrorsDescribed(fields: LogFields | undefined): LogFields | undefined {
  if (fields === undefined) return undefined;
  const copy: LogFields = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    copy[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return copy;
}

function writeToStdio(line: string, level: Exclude<LogLevel, "silent">): void {
  writeLine(level === "warn" || level === "error" ? process.stderr : process.stdout, line);
}

/** What {@link writeLine} needs of `process.stdout`/`process.stderr` (Node sets `fd` on both). */
export interface StdioStream {
  readonly fd?: number;
  readonly writableLength: number;
  write(chunk: string | Uint8Array): boolean;
}

/**
 * Writes one whole line: straight to the stream's file descriptor (one write(2), which is what the stream does for
 * a file and tries first for a pipe) when the stream holds nothing queued, skipping the stream's machinery
 * (~2% of a warm invocation, `npm run bench`); through the stream, as before, when it holds queued bytes (so lines
 * stay in order), when the direct write fails (a full non-blocking pipe's EAGAIN, any error: the stream reports
 * it as it always did) and for whatever a partial write left. A `write` set on the stream itself (a test's capture,
 * an agent that forwards stdout) gets every line, as it did.
 */
export function writeLine(stream: StdioStream, line: string): void {
  const { fd } = stream;
  if (typeof fd === "number" && stream.writableLength === 0 && !Object.hasOwn(stream, "write")) {
    let written: number;
    try {
      written = writeSync(fd, line);
    } catch {
      stream.write(line);
      return;
    }
    if (written < Buffer.byteLength(line)) stream.write(Buffer.from(line).subarray(written));
    return;
  }
  stream.write(line);
}
