import type { Context } from "aws-lambda";

/** The event formats the Lambda adapter understands, named the way AWS documents them. */
export type EventKind = "rest-v1" | "http-v1" | "http-v2" | "function-url" | "alb";

/**
 * What the Lambda adapter hands the Koa app about the invocation, as `ctx.state.lambda`.
 * Absent when the app runs outside Lambda (supertest, `app.listen`).
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
   * Headers the adapter adds to the result under every name the app's response lacks (its
   * `HandlerOptions.defaultHeaders`). Middleware that would set exactly these can leave them to the adapter.
   */
  readonly defaultHeaders?: DefaultHeaders | undefined;
}

/** Response headers as name/value pairs, names lower-case, built once. */
export type DefaultHeaders = ReadonlyArray<readonly [string, string]>;

/** The adapter sets this property on the Node request; the app's first middleware moves it to `ctx.state.lambda`. */
export const lambdaStateKey = Symbol.for("fleet.lambdaState");
