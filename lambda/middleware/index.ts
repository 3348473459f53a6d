/**
 * What every proxy-Lambda Koa app wants, opt-in: `import { ... } from "fleet/middleware"` (a path alias of the
 * repository's tsconfig.json, which tsx and esbuild honour). Mount in this order:
 *
 * ```ts
 * app.use(problemErrors());   // first: every failure leaves as RFC 9457 problem+json
 * app.use(requestContext());  // ctx.state.requestId and ctx.state.lambda, x-request-id
 * app.use(accessLog());       // one structured line per request
 * app.use(securityHeaders()); // nosniff, HSTS, CSP, no-store, …
 * ```
 */
export type { DefaultHeaders, EventKind, FleetState, LambdaState } from "../lambda-state";
export { fieldErrorsOf, isHttpLikeError, problem, problemContentType, reasonPhrase, type FieldError, type HttpLikeError, type Problem } from "../problem";
export { accessLog, type AccessLogOptions } from "./access-log";
export { JsonLogger, type JsonLoggerOptions, type LogFields, type Logger, type LogLevel } from "./logger";
export { problemErrors } from "./problem-errors";
export { requestContext, sourceIpOf } from "./request-context";
export { alwaysHeaders, apiContentSecurityPolicy, baselineHeaders, securityHeaders, setSecurityHeaders } from "./security-headers";
