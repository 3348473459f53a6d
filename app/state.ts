import type { ParameterizedContext } from "koa";
import type { LambdaState } from "../lambda/lambda-state";

/** What the app's middleware keeps on `ctx.state` for the rest of the request. */
export interface AppState {
  /** Set by the Lambda adapter; absent outside Lambda. */
  lambda?: LambdaState;
  /** The front door's request id, or a random UUID outside Lambda; never a client header. */
  requestId: string;
  /** The parsed JSON request body, set by the json-body middleware on routes that take one. */
  jsonBody?: unknown;
}

/** The Koa context every app middleware and route handler receives. */
export type AppContext = ParameterizedContext<AppState>;
