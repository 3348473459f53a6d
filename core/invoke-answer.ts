import type { RegionRef } from "./stage";

/**
 * What one region's function answered to a direct invocation (`fleet invoke`): Lambda's Invoke on the `live`
 * alias in the cloud, the release the local cloud's state names locally.
 */
export interface InvokeAnswer extends RegionRef {
  /** What ran: the release's digest (local) or the Lambda version `live` pointed at (cloud, ExecutedVersion). */
  ran: string | null;
  /** Lambda's FunctionError: `Unhandled` when the function threw, crashed or timed out; null when it returned. */
  functionError: string | null;
  /** The JSON it returned, or Lambda's error document `{ errorType, errorMessage, trace }`; null when not invoked. */
  payload: string | null;
  /** How long the invocation took, in ms (the handler alone locally; the whole call in the cloud). */
  durationMs: number | null;
  /** The last 4 KB of the function's log for this invocation (cloud: Invoke's LogResult); locally its lines go to stderr as it runs. */
  logTail?: string;
  /** Why it could not be invoked (nothing deployed there, a release missing from the store, access denied); null when it was. */
  error: string | null;
}
