import Koa from "koa";
import { type LambdaState, lambdaStateKey } from "../../lambda/lambda-state";

/** What the echo app saw of one request. */
export interface Echo {
  method: string;
  /** `ctx.path`: the path exactly as the request target carried it. */
  path: string;
  /** `ctx.querystring`, without `?`. */
  query: string;
  headers: Record<string, string>;
  /** The body bytes, base64 (so binary bodies survive the JSON). */
  bodyBase64: string;
  lambda: { kind: string; requestId: string; sourceIp: string | null } | null;
}

function isLambdaState(value: unknown): value is LambdaState {
  return typeof value === "object" && value !== null && "kind" in value && "requestId" in value;
}

/**
 * A Koa app that answers with JSON describing the request it saw, and keeps the last LambdaState it got
 * (`seen.state`) so tests can check identity with the raw event. `respond` may add headers or replace the answer.
 */
export function createEchoApp(respond?: (ctx: Koa.Context) => void): { app: Koa; seen: { state?: LambdaState; calls: number } } {
  const app = new Koa();
  const seen: { state?: LambdaState; calls: number } = { calls: 0 };
  // What the real app's first middleware does: move the adapter's state to ctx.state.lambda.
  app.use(async (ctx, next) => {
    const state: unknown = Reflect.get(ctx.req, lambdaStateKey);
    if (isLambdaState(state)) ctx.state.lambda = state;
    await next();
  });
  app.use(async (ctx) => {
    seen.calls += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(Buffer.from(chunk));
    const state: LambdaState | undefined = ctx.state.lambda;
    if (state) seen.state = state;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.headers)) if (value !== undefined) headers[name] = String(value);
    const echo: Echo = {
      method: ctx.method,
      path: ctx.path,
      query: ctx.querystring,
      headers,
      bodyBase64: Buffer.concat(chunks).toString("base64"),
      lambda: state ? { kind: state.kind, requestId: state.requestId, sourceIp: state.sourceIp ?? null } : null,
    };
    ctx.body = echo;
    respond?.(ctx);
  });
  return { app, seen };
}
