import type { Context } from "aws-lambda";

/** The event formats the Lambda adapter understands, named the way AWS documents them. */
export type EventKind = "rest-v1" | "http-v1" | "http-v2" | "function-url" | "alb";

/** Response headers as name/value pairs, names lower-case, built once. */
export type DefaultHeaders = ReadonlyArray<readonly [string, string]>;

/**
 * What the Lambda adapter hands the Koa app about the invocation, as `ctx.state.lambda` (the `requestContext()`
 * middleware moves it there). Absent when the app runs outside Lambda (supertest, `app.listen`).
 */
export interface LambdaState {
  /** The raw event exactly as Lambda delivered it; the adapter never mutates it. */
  readonly event: unknown;
  readonly context: Context;
  readonly kind: EventKind;
  /** API Gateway's / the Function URL's request id, else Lambda's `awsRequestId`: never a client header. */
  readonly requestId: string;
  /** The caller's address as the front door saw it (`requestContext...sourceIp`; ALB: last X-Forwarded-For hop). */
  readonly sourceIp: string | undefined;
  /**
   * Headers the adapter writes into this invocation's result under every name the response lacks. Middleware may
   * set it instead of setting the same headers through Node on every request (securityHeaders() does): the
   * adapter then copies the pairs straight into the result, skipping Node's per-header validation.
   */
  defaultHeaders?: DefaultHeaders | undefined;
}

/** The adapter sets this property on the Node request; `requestContext()` moves it to `ctx.state.lambda`. */
export const lambdaStateKey = Symbol.for("fleet.lambdaState");

/** What fleet's middleware keeps on `ctx.state`; an app's own state type extends it. */
export interface FleetState {
  /** Set by the Lambda adapter (through requestContext()); absent outside Lambda. */
  lambda?: LambdaState;
  /** The front door's request id, or a random UUID outside Lambda; never a client header. */
  requestId: string;
}
