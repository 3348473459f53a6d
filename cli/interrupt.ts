import { err, onOutputClosed } from "./output";

/** How a run was told to stop early, with the exit code it then ends with (128 + the signal's number). */
const causes = {
  SIGINT: { reason: "SIGINT (Ctrl-C)", exitCode: 130 },
  SIGTERM: { reason: "SIGTERM", exitCode: 143 },
  SIGHUP: { reason: "SIGHUP (the terminal closed)", exitCode: 129 },
} as const;

/** A stdout or stderr nobody reads any more ends a rollout like a signal would (128 + SIGPIPE's 13). */
const closedOutputExitCode = 141;

export interface Interrupt {
  /** Aborted (once) by SIGINT, SIGTERM, SIGHUP or a closed stdout/stderr; its reason says which. */
  signal: AbortSignal;
  /** The exit code for an interrupted run: 130, 143, 129 or 141 by what stopped it. */
  exitCode(): number;
  dispose(): void;
}

/**
 * Every way a run can be told to end, as one AbortSignal: the rollout finishes or reverts the region in flight,
 * puts changed regions back, records it, and the command reports on whatever output still works. A second signal
 * is acknowledged, not obeyed: stopping half-way through putting regions back is what kill -9 is for, and the
 * ledger covers even that.
 */
export function interruptSignal(): Interrupt {
  const controller = new AbortController();
  let exitCode = 130;
  const stop = (reason: string, code: number) => {
    if (controller.signal.aborted) {
      err(`${reason} again: still putting changed regions back (kill -9 would leave them to 'fleet rollback')\n`);
      return;
    }
    exitCode = code;
    err(`\ninterrupted by ${reason}: finishing the region in flight, then putting changed regions back…\n`);
    controller.abort(reason);
  };
  const handlers = Object.entries(causes).map(([signal, cause]) => {
    const handler = () => stop(cause.reason, cause.exitCode);
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  const unsubscribe = onOutputClosed((name) => stop(`${name} was closed`, closedOutputExitCode));
  return {
    signal: controller.signal,
    exitCode: () => exitCode,
    dispose() {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      unsubscribe();
    },
  };
}
