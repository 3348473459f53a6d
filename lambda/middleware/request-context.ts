import type { Middleware } from "koa";
import { type FleetState, type LambdaState, lambdaStateKey } from "../lambda-state";

/**
 * Moves the adapter's LambdaState from the Node request to `ctx.state.lambda`, fixes `ctx.state.requestId`
 * (the front door's id; a random UUID outside Lambda, never a client-supplied header) and echoes it
 * in `x-request-id`.
 */
export function requestContext(): Middleware<FleetState> {
  return async function attachRequestContext(ctx, next) {
    const carrier = ctx.req as typeof ctx.req & { [lambdaStateKey]?: LambdaState };
    const lambda = carrier[lambdaStateKey];
    if (lambda) {
      ctx.state.lambda = lambda;
      delete carrier[lambdaStateKey];
    }
    // The global Web Crypto, not node:crypto: importing that module at load cost ~2 ms of every cold start, and a
    // random id is only needed outside Lambda.
    ctx.state.requestId = lambda?.requestId ?? globalThis.crypto.randomUUID();
    ctx.set("x-request-id", ctx.state.requestId);
    await next();
  };
}

/** The caller's address: what the front door saw in Lambda, else the socket's (or proxy's) address. */
export function sourceIpOf(ctx: { state: Partial<FleetState>; request: { ip: string } }): string | null {
  return ctx.state.lambda?.sourceIp ?? (ctx.request.ip || null);
}
