import type { Middleware } from "koa";
import { isHttpLikeError, problem, problemContentType, reasonPhrase, ValidationError, type Problem } from "../../app/errors";
import type { AppContext, AppState } from "../../app/state";
import { setSecurityHeaders } from "./security-headers";

/**
 * The one error middleware, first in the chain: every failure leaves as RFC 9457 problem+json.
 * ValidationError -> 400 with `errors[]`; http-errors (koa-router 405/501, ctx.throw) -> their status, with
 * the message only when `expose` (4xx); an unmatched path -> 404; anything else -> 500 with the request id
 * and nothing of the error itself. Errors of status 500+ are emitted as `app.on("error")` for logging.
 */
export function errorHandler(): Middleware<AppState> {
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
  if (err instanceof ValidationError) {
    const count = err.errors.length;
    const detail = `The request has ${count} invalid field${count === 1 ? "" : "s"}: see errors`;
    return { body: problem(400, detail, requestId, err.errors), headers: {} };
  }
  if (isHttpLikeError(err)) {
    const detail = err.expose && err.status < 500 ? err.message : reasonPhrase(err.status);
    return { body: problem(err.status, detail, requestId), headers: err.headers ?? {} };
  }
  const detail = `Something went wrong on our side. Quote request id ${requestId} when reporting it.`;
  return { body: problem(500, detail, requestId), headers: {} };
}

/** Drops whatever the failed route set (cookies, caching, content type) and restores the baseline. */
function resetHeaders(ctx: AppContext): void {
  for (const name of ctx.response.headers ? Object.keys(ctx.response.headers) : []) ctx.remove(name);
  setSecurityHeaders(ctx);
  ctx.set("x-request-id", requestIdOf(ctx));
}

function sendProblem(ctx: AppContext, body: Problem): void {
  ctx.status = body.status;
  ctx.type = problemContentType;
  ctx.body = JSON.stringify(body);
}

// The request-context middleware sets it right after this one; the fallback only covers a failure before that.
function requestIdOf(ctx: AppContext): string {
  return ctx.state.requestId ?? "unknown";
}
