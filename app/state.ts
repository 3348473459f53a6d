import type { ParameterizedContext } from "koa";
import type { FleetState } from "fleet/middleware";

/** What the app's middleware keeps on `ctx.state`: fleet's request id and Lambda state, and the JSON body. */
export interface AppState extends FleetState {
  /** The parsed JSON request body, set by the json-body middleware on routes that take one. */
  jsonBody?: unknown;
}

/** The Koa context every app middleware and route handler receives. */
export type AppContext = ParameterizedContext<AppState>;
