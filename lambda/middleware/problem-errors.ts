import type { Middleware, ParameterizedContext } from "koa";
import type { FleetState } from "../lambda-state";
import { fieldErrorsOf, isHttpLikeError, problem, problemContentType, reasonPhrase, type Problem } from "../problem";
import { setSecurityHeaders } from "./security-headers";

/**
 * The one error middleware, first in the chain: every failure leaves as RFC 9457 problem+json. An error with an
 * HTTP status (http-errors: koa-router's 405/501, `ctx.throw`, an app's own) keeps it, with its message only when
 * `expose` (4xx) and its `errors[]` of `{ path, message }` when it has one; an unmatched path is a 404; anything
 * else is a 500 with the request id and nothing of the error itself. Errors of status 500+ are emitted as
 * `app.on("error")` for logging.
 */
export function problemErrors(): Middleware<FleetState> {
  return async function handleErrors(ctx, next) {
    try {
      await next();
      if (ctx.status === 404 && ctx.body == null) {
        sendProblem(ctx, problem(404, `Nothing is at ${ctx.method} ${ctx.path}`, requestIdOf(ctx)));
      }
    } catch (err) {
      const { body, headers } = toProblem(err, requestIdOf(ctx));
      if (body.status >= 500) ctx.app.emit("error", err, ctx);
      if (ctx.headerSent || !ctx.writable) return;
      resetHeaders(ctx);
      ctx.set(headers);
      sendProblem(ctx, body);
    }
  };
}

function toProblem(err: unknown, requestId: string): { body: Problem; headers: Record<string, string> } {
  if (isHttpLikeError(err)) {
    const errors = err.status < 500 ? fieldErrorsOf(err) : undefined;
    if (errors) {
      const detail = `The request has ${errors.length} invalid field${errors.length === 1 ? "" : "s"}: see errors`;
      return { body: problem(err.status, detail, requestId, errors), headers: err.headers ?? {} };
    }
    const detail = err.expose && err.status < 500 ? err.message : reasonPhrase(err.status);
    return { body: problem(err.status, detail, requestId), headers: err.headers ?? {} };
  }
  const detail = `Something went wrong on our side. Quote request id ${requestId} when reporting it.`;
  return { body: problem(500, detail, requestId), headers: {} };
}

type FleetContext = ParameterizedContext<FleetState>;

/** Drops whatever the failed route set (cookies, caching, content type) and restores the baseline. */
function resetHeaders(ctx: FleetContext): void {
  for (const name of ctx.response.headers ? Object.keys(ctx.response.headers) : []) ctx.remove(name);
  setSecurityHeaders(ctx);
  ctx.set("x-request-id", requestIdOf(ctx));
}

function sendProblem(ctx: FleetContext, body: Problem): void {
  ctx.status = body.status;
  ctx.type = problemContentType;
  ctx.body = JSON.stringify(body);
}

// The request-context middleware sets it right after this one; the fallback only covers a failure before that.
function requestIdOf(ctx: FleetContext): string {
  return ctx.state.requestId ?? "unknown";
}
