import { LambdaWorker, type FunctionCode, type FunctionOutput, type InvocationContext, type InvocationOutcome } from "./worker/lambda-worker";

/**
 * The function deployed in one account x region: which worker serves it now. Swapping code or recovering
 * from a timeout/crash starts the new worker first, then switches, then lets the old one finish its work,
 * so requests are never dropped.
 */
export class RegionalFunction {
  private starting: Promise<LambdaWorker> | undefined;

  private constructor(
    private worker: LambdaWorker,
    private code: FunctionCode,
    private readonly logs: FunctionOutput,
  ) {}

  /** Loads `code` in a fresh worker; rejects when the bundle fails to load. */
  static async start(code: FunctionCode, logs: FunctionOutput): Promise<RegionalFunction> {
    return new RegionalFunction(await LambdaWorker.start(code, logs), code, logs);
  }

  /** Invokes the current worker. After a timeout Lambda discards the environment, and so does this. */
  async invoke(event: unknown, context: InvocationContext): Promise<InvocationOutcome> {
    const worker = this.worker.crashed ? await this.swap(this.code) : this.worker;
    const outcome = await worker.invoke(event, context);
    if (outcome.kind === "timeout" && worker === this.worker) void this.swap(this.code).catch(() => undefined);
    return outcome;
  }

  /** Serves `code` from now on: the new worker is up before the switch; the old one drains, then stops. */
  async replace(code: FunctionCode): Promise<void> {
    await this.swap(code);
  }

  private async swap(code: FunctionCode): Promise<LambdaWorker> {
    // Concurrent recoveries share one new worker.
    if (this.starting && code === this.code) return this.starting;
    this.starting = LambdaWorker.start(code, this.logs);
    try {
      const next = await this.starting;
      const previous = this.worker;
      this.worker = next;
      this.code = code;
      void previous.drain();
      return next;
    } finally {
      this.starting = undefined;
    }
  }

  /** Lets the invocations in flight finish, then stops the worker (a canary taken out of service). */
  async retire(): Promise<void> {
    await this.starting?.then((w) => w.terminate(), () => undefined);
    await this.worker.drain();
  }

  /** Stops the worker now. */
  async close(): Promise<void> {
    await this.starting?.then((w) => w.terminate(), () => undefined);
    await this.worker.terminate();
  }
}
