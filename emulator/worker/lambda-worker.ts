import path from "node:path";
import { Worker } from "node:worker_threads";

/** What the function is: its code and the environment Lambda gives it. */
export interface FunctionCode {
  /** Absolute path of the bundle exporting `handler`. */
  bundleFile: string;
  /** The complete process environment inside the function (reserved Lambda variables included). */
  env: Record<string, string>;
  /**
   * The region's function log: every line the function writes is appended to it, with its time, as one JSON line
   * `{ timestamp, message }` (what CloudWatch Logs keeps of a function). @default none kept
   */
  logFile?: string;
  /**
   * Runs the function under its own Node inspector on 127.0.0.1:`port` (any free port when that one is taken, e.g.
   * by the worker this one replaces), announced on stderr with `label`, so a debugger attaches to it alone.
   * @default no inspector
   */
  inspect?: { port: number; label: string };
}

/** A function log past this size is moved to `<file>.1` when a worker starts, so it never grows without bound. */
export const logFileBytes = 8 * 1024 * 1024;

/** The Lambda context fields sent with each invocation (the worker adds `getRemainingTimeInMillis`). */
export interface InvocationContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  /** When the function times out, ms since the epoch. */
  deadline: number;
}

/** How one invocation ended, as Lambda's Invoke API would report it. */
export type InvocationOutcome =
  | { kind: "result"; payload: string }
  | { kind: "timeout"; timeoutMs: number }
  | { kind: "error"; errorType: string; errorMessage: string; stack?: string };

/** Where a worker's stdout/stderr goes. */
export type LogSink = (stream: "stdout" | "stderr", chunk: Buffer) => void;

/**
 * What becomes of the function's stdout/stderr: a {@link LogSink} receives each chunk on the main thread (one
 * message per write crossing threads), or the worker writes each chunk itself to file descriptor `fd` with
 * `prefix` before every line (one synchronous write, nothing crosses threads); with `readable` (the region's label),
 * JSON log lines are written as one short human line each instead (a request: time, region, method, path, status, ms).
 */
export type FunctionOutput = LogSink | { fd: number; prefix: string; readable?: string };

const runtimeFile = path.join(__dirname, "runtime.js");

/**
 * One emulated execution environment: a worker thread with its own `process.env` (the `env` option makes
 * it a private copy), so regions never see each other's AWS_REGION.
 */
export class LambdaWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (outcome: InvocationOutcome) => void>();
  private nextId = 1;
  private dead: Error | undefined;
  private drained: (() => void) | undefined;

  private constructor(code: FunctionCode, logs: FunctionOutput) {
    const piped = typeof logs === "function";
    this.worker = new Worker(runtimeFile, {
      workerData: { bundleFile: code.bundleFile, output: piped ? undefined : logs, logFile: code.logFile, logFileBytes, inspect: code.inspect },
      env: code.env,
      stdout: piped,
      stderr: piped,
    });
    if (piped) {
      this.worker.stdout.on("data", (chunk: Buffer) => logs("stdout", chunk));
      this.worker.stderr.on("data", (chunk: Buffer) => logs("stderr", chunk));
    }
  }

  /** Starts a worker and waits for the bundle to load (the cold start); rejects with the load error. */
  static start(code: FunctionCode, logs: FunctionOutput): Promise<LambdaWorker> {
    const lambda = new LambdaWorker(code, logs);
    return new Promise((resolve, reject) => {
      const onInit = (message: { type: string; errorMessage?: string }) => {
        if (message.type === "ready") {
          lambda.worker.off("error", onFail);
          lambda.worker.off("exit", onExit);
          lambda.listen();
          resolve(lambda);
        } else if (message.type === "init-error") {
          void lambda.worker.terminate();
          reject(new Error(`the bundle ${code.bundleFile} failed to load: ${message.errorMessage}`));
        }
      };
      const onFail = (error: Error) => reject(new Error(`the bundle ${code.bundleFile} failed to load: ${error.message}`));
      // A bundle that calls process.exit() while loading ends the thread without an error.
      const onExit = (exitCode: number) => onFail(new Error(`it exited with code ${exitCode} while loading`));
      lambda.worker.once("message", onInit);
      lambda.worker.once("error", onFail);
      lambda.worker.once("exit", onExit);
    });
  }

  private listen(): void {
    this.worker.on("message", (message: { type: string; id: number } & Record<string, string>) => {
      const settle = this.pending.get(message.id);
      if (!settle) return;
      if (message.type === "result") settle({ kind: "result", payload: message.payload ?? "null" });
      else settle({ kind: "error", errorType: message.errorType ?? "Error", errorMessage: message.errorMessage ?? "", stack: message.stack });
    });
    // A crash (e.g. an unhandled rejection) ends every invocation in flight, as a crashed sandbox would.
    const fail = (error: Error) => {
      this.dead ??= error;
      for (const settle of [...this.pending.values()]) settle({ kind: "error", errorType: "Runtime.ExitError", errorMessage: error.message });
    };
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the function's worker exited with code ${code}`)));
  }

  /** Whether the worker crashed and must be replaced. */
  get crashed(): boolean {
    return this.dead !== undefined;
  }

  /** Invocations started and not yet settled. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Runs one invocation; never rejects (failures are outcomes). At `context.deadline` it settles as a
   * timeout, as Lambda stops a function at its configured timeout; the late result is ignored.
   */
  invoke(event: unknown, context: InvocationContext): Promise<InvocationOutcome> {
    if (this.dead) return Promise.resolve({ kind: "error", errorType: "Runtime.ExitError", errorMessage: this.dead.message });
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timeoutMs = Math.max(0, context.deadline - Date.now());
      const timer = setTimeout(() => settle({ kind: "timeout", timeoutMs }), timeoutMs);
      const settle = (outcome: InvocationOutcome) => {
        clearTimeout(timer);
        if (!this.pending.delete(id)) return;
        resolve(outcome);
        if (this.pending.size === 0) this.drained?.();
      };
      this.pending.set(id, settle);
      this.worker.postMessage({ type: "invoke", id, event, context });
    });
  }

  /** Waits for the invocations in flight to settle, then stops the thread. */
  async drain(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await this.terminate();
  }

  /** Stops the thread now; invocations in flight end as errors. */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
