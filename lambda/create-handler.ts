import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "aws-lambda";
import type Koa from "koa";
import serverless from "serverless-http";
import { type LambdaState, lambdaStateKey } from "./lambda-state";
import { createDocsAnswers, type DocsOptions } from "./docs/docs-answers";
import type { HttpResult, NormalizedRequest } from "./http-exchange";
import { useLinearQueryParser } from "./linear-query";
import { describeError, writeLogLine } from "./log-line";
import { problemResult } from "./problem-result";
import { RejectedRequestError } from "./rejected-request";
import type { EventProcessor, LambdaResult, LogEntry } from "./processors/event-processor";
import { selectProcessor } from "./processors/select-processor";
import { normalizeBasePath } from "./request-path";
import { isBinaryBody } from "./response-body";
import { headerValueLists, putHeader } from "./response-headers";
import { ignoreTransferEncoding } from "./unchunked-response";

/** Options of {@link createHandler}. */
export interface HandlerOptions {
  /**
   * Custom-domain base path (API mapping key) to strip, only as a whole leading segment run:
   * `/api` strips from `/api/x` and `/api`, never from `/apiary`.
   * @default undefined (nothing stripped)
   * @example "/api"
   */
  basePath?: string | undefined;
  /**
   * Receives the adapter's warnings and errors.
   * @default one JSON line per entry on stderr
   */
  log?: (entry: LogEntry) => void;
  /**
   * Serve the API reference: GET/HEAD `/docs` (Scalar's reference of the document at `openapi`) and its two
   * scripts are answered here, before the app; every other path is the app's. lambda/entry.ts sets it from the
   * build when fleet.config.ts has `openapi`.
   * @default undefined (no docs: `/docs` is the app's like any path)
   * @example { openapi: "/openapi.json", scalarFile: "scalar.0123456789abcdef.js", assetDir: path.join(__dirname, "docs") }
   */
  docs?: DocsOptions | undefined;
}

/** A Lambda handler for API Gateway (REST, HTTP API 1.0/2.0), Function URL and ALB events. It never rejects. */
export type LambdaHandler = (event: unknown, context: Context) => Promise<LambdaResult>;

/** What passes between one invocation and serverless-http's hooks, carried by the event handed to serverless-http. */
interface Exchange {
  state: LambdaState;
  /** The processor's null-prototype request headers, which the app gets as `req.headers`. */
  requestHeaders: Record<string, string>;
  statusCode?: number;
  headers?: Record<string, string[]>;
}

// serverless-http hands its hooks the very event object it was given: the exchange rides on it under this key
// (a WeakMap keyed by event cost a hash lookup twice per invocation and ephemeron work for every GC).
const exchangeKey = Symbol("fleet.exchange");
type ExchangeCarrier = { [exchangeKey]?: Exchange };

/**
 * Adapts a Koa app to Lambda. Call once at module scope: the app's middleware is composed here, not per request.
 *
 * serverless-http runs the app (real IncomingMessage/ServerResponse objects), but never sees the raw event: each
 * format's processor (processors/) turns the event into one normalized payload-2.0 request, which sidesteps
 * serverless-http 4.0.0's defects (it mutates the event, overwrites multi-value headers, joins cookies with `, `,
 * matches basePath anywhere, re-decodes ALB queries, decodes invalid base64 into garbage, duplicates ALB header
 * values, guesses binary from an environment variable). The processor formats the response for its front door.
 *
 * @example export const handler = createHandler(createApp(), { basePath: process.env.FLEET_BASE_PATH });
 */
export function createHandler(app: Koa, options: HandlerOptions = {}): LambdaHandler {
  const basePath = normalizeBasePath(options.basePath);
  const log = options.log ?? writeLogLine;
  const identity = fleetHeaders();
  const docs = options.docs ? createDocsAnswers(options.docs) : undefined;

  useLinearQueryParser(app);
  const listener = app.callback();
  const runApp = serverless((req: IncomingMessage, res: ServerResponse) => {
    ignoreTransferEncoding(res);
    return listener(req, res);
  }, {
    // Off: serverless-http would copy a client's x-request-id header over API Gateway's id. LambdaState has the id.
    requestId: "",
    // A text answer comes back as its UTF-8 string, decoded once, which the processor passes on as it is; any other
    // body base64, so no byte is lost (decoded here, then encoded as its front door needs). Asking base64 for
    // every body decoded each answer twice. The rule is the processor's own (isBinaryBody), which it applies again.
    binary: (headers: Record<string, string | undefined>) => isBinaryBody(headers["content-type"], headers["content-encoding"]?.split(",")),
    request(req: IncomingMessage, normalizedEvent: ExchangeCarrier) {
      const exchange = normalizedEvent[exchangeKey];
      // The app's first middleware moves it to ctx.state.lambda and deletes it here. A plain assignment, not
      // defineProperty: a symbol key is not enumerable by Object.keys anyway, and it is cheaper on every request.
      if (!exchange) return;
      (req as IncomingMessage & { [lambdaStateKey]?: LambdaState })[lambdaStateKey] = exchange.state;
      // serverless-http copies the headers into a `{}`, where a `__proto__` header is lost and ctx.get("toString")
      // finds Object.prototype's function; Node's own req.headers has no prototype, and neither has this map.
      req.headers = exchange.requestHeaders;
    },
    response(res: ServerResponse, normalizedEvent: ExchangeCarrier) {
      const exchange = normalizedEvent[exchangeKey];
      if (!exchange) return;
      exchange.statusCode = res.statusCode;
      exchange.headers = headerValueLists(res.getHeaders(), exchange.state.defaultHeaders);
    },
  });

  async function runKoa(request: NormalizedRequest, state: LambdaState, context: Context): Promise<HttpResult> {
    const exchange: Exchange = { state, requestHeaders: request.headers };
    // A fresh payload-2.0-shaped object that serverless-http may mutate; the raw event stays untouched.
    // request.headers is the processor's own fresh object, so the length is added in place.
    request.headers["content-length"] = String(request.body.length);
    const normalizedEvent = {
      version: "2.0",
      rawPath: request.path,
      rawQueryString: request.query,
      headers: request.headers,
      body: request.body,
      isBase64Encoded: false,
      requestContext: { http: { method: request.method, sourceIp: request.sourceIp } },
      [exchangeKey]: exchange,
    };
    const formatted: object = await runApp(normalizedEvent, context);
    if (exchange.statusCode === undefined || exchange.headers === undefined) throw new Error("serverless-http did not call the response hook");
    if (!("body" in formatted) || typeof formatted.body !== "string") throw new Error("serverless-http returned no string body");
    const base64 = "isBase64Encoded" in formatted && formatted.isBase64Encoded === true;
    return { statusCode: exchange.statusCode, headers: exchange.headers, body: base64 ? Buffer.from(formatted.body, "base64") : formatted.body };
  }

  return async function handler(event: unknown, context: Context): Promise<LambdaResult> {
    let processor: EventProcessor | undefined;
    let requestId = typeof context?.awsRequestId === "string" ? context.awsRequestId : "unknown";
    try {
      processor = selectProcessor(event);
      requestId = processor.requestId ?? requestId;
      let result: HttpResult;
      try {
        const request = processor.toRequest(basePath);
        const docsAnswer = docs?.answer(request, requestId);
        result = docsAnswer
          ? await docsAnswer
          : await runKoa(request, { event, context, kind: processor.kind, requestId, sourceIp: request.sourceIp }, context);
      } catch (error) {
        if (!(error instanceof RejectedRequestError)) throw error;
        // Koa never sees this request, so its access log would miss it: log it here.
        log({ level: "WARN", message: `request refused before the app; answering ${error.status}`, requestId, kind: processor.kind, status: error.status, reason: error.message });
        result = problemResult(error.status, error.message, requestId);
      }
      addFleetHeaders(result, identity);
      return processor.toResponse(result, { requestId, log });
    } catch (error) {
      // A rejected invocation reaches the client as API Gateway's opaque 502; answer a 500 problem instead.
      try {
        log({ level: "ERROR", message: "Lambda adapter failed; answering 500", requestId, kind: processor?.kind, error: describeError(error) });
      } catch {
        // A broken logger must not turn the 500 into a rejected invocation.
      }
      return internalError(processor, requestId, log, identity);
    }
  };
}

/** The 500 answer, in the front door's shape when the event was recognized, else in the shape all of them accept. */
function internalError(processor: EventProcessor | undefined, requestId: string, log: (entry: LogEntry) => void, identity: FleetHeaders): LambdaResult {
  const result = problemResult(500, "The request could not be handled. Quote the request id when reporting this.", requestId);
  addFleetHeaders(result, identity);
  try {
    if (processor) return processor.toResponse(result, { requestId, log });
  } catch {
    // Fall through to the plain shape below.
  }
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(result.headers)) putHeader(headers, name, values.join(", "));
  return { statusCode: result.statusCode, headers, body: String(result.body), isBase64Encoded: false };
}

/** `x-fleet-release` and `x-fleet-region`, from the function's environment (read once per execution environment). */
type FleetHeaders = { release: string[]; region: string[] };

function fleetHeaders(env: NodeJS.ProcessEnv = process.env): FleetHeaders {
  return { release: [env.FLEET_RELEASE || "dev"], region: [env.AWS_REGION || "local"] };
}

/**
 * Every answer says which release and region produced it, whatever the app sets: smoke checks the live digest
 * and the region from these headers, without the app's cooperation, and `fleet call` shows them.
 */
function addFleetHeaders(result: HttpResult, identity: FleetHeaders): void {
  result.headers["x-fleet-release"] = identity.release;
  result.headers["x-fleet-region"] = identity.region;
}
