import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isPreflight, preflightResponse, withCorsHeaders, type CorsConfig } from "./cors";
import { MalformedResult, type ApiFormat, type GatewayResponse } from "./events/format";
import type { ApiIdentity, ReceivedRequest } from "./events/request";
import { gatewayErrors, maxInvokeRequestBytes, maxRequestBytes, maxResponseBytes, type GatewayError } from "./limits";
import type { RegionalFunction } from "./regional-function";
import type { InvocationContext, InvocationOutcome } from "./worker/lambda-worker";

/** Everything one local endpoint needs to play API Gateway in front of one regional function. */
export interface EndpointServerOptions {
  format: ApiFormat;
  api: ApiIdentity;
  /** The function currently deployed behind this endpoint (its code may be swapped at any time). */
  fn: () => RegionalFunction;
  /** The Lambda context fields for one invocation. */
  context: (awsRequestId: string) => InvocationContext;
  /** API Gateway's integration timeout: past it the client gets 504 (the function may still run). */
  integrationTimeoutMs: number;
  /** Where the emulator reports what API Gateway/Lambda would log (timeouts, function errors). */
  log: (line: string) => void;
  /** HTTP APIs only: the CORS configuration API Gateway applies in front of the function. @default none */
  cors?: CorsConfig;
  /** Told about every request answered, as CloudWatch's per-request metrics would count it. @default none */
  observe?: (sample: RequestSample) => void;
}

/** One request as the API's and the function's metrics see it: what was answered, how fast, and whether the function failed. */
export interface RequestSample {
  /** When the answer was sent, ms since the epoch. */
  at: number;
  /** The status the client got (the gateway's own 5xx included). */
  status: number;
  /** From the request's arrival to the answer sent, as API Gateway's `Latency`. */
  durationMs: number;
  /** The invocation failed in the function (it threw, crashed or timed out), as Lambda's `Errors` counts it. */
  functionError: boolean;
}

/** Headers API Gateway computes itself rather than copying from the function's response. */
const hopByHop = new Set(["content-length", "transfer-encoding", "connection", "keep-alive"]);

/** An HTTP server that turns each request into a proxy event, invokes the function and answers like API Gateway. */
export function createEndpointServer(options: EndpointServerOptions): Server {
  return createServer((req, res) => {
    const invocation = { functionError: false };
    const observe = options.observe;
    if (observe) {
      const started = performance.now();
      res.once("finish", () => observe({ at: Date.now(), status: res.statusCode, durationMs: performance.now() - started, functionError: invocation.functionError }));
    }
    handle(options, req, res, invocation).catch((error: unknown) => {
      options.log(`emulator error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendGatewayError(res, gatewayErrors.internal, undefined, options.format);
      else res.destroy();
    });
  });
}

async function handle(options: EndpointServerOptions, req: IncomingMessage, res: ServerResponse, invocation: { functionError: boolean }): Promise<void> {
  const { format, api } = options;
  const receivedAt = Date.now();
  const requestId = format.newRequestId();
  const body = await readBody(req);
  if (body === "over-gateway-limit") return sendGatewayError(res, gatewayErrors.tooLarge, undefined, format);
  if (body === "over-invoke-limit") return refuseOverInvokeLimit(res, options, requestId, "the request body alone");

  const url = req.url ?? "/";
  const queryAt = url.indexOf("?");
  const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
  const path = routedPath(rawPath, format.basePath(api.stage));
  if (path === undefined) return sendGatewayError(res, gatewayErrors.forbidden, requestId, format);

  const request: ReceivedRequest = {
    method: req.method ?? "GET",
    rawPath,
    rawQuery: queryAt === -1 ? "" : url.slice(queryAt + 1),
    headers: headerPairs(req.rawHeaders),
    body,
    sourceIp: (req.socket.remoteAddress ?? "127.0.0.1").replace(/^::ffff:/, ""),
    protocol: `HTTP/${req.httpVersion}`,
    port: req.socket.localPort ?? 0,
    receivedAt,
  };
  if (options.cors && isPreflight(request.method, request.headers)) return send(res, preflightResponse(options.cors, request.headers), requestId, format);
  const event = format.toEvent(request, path, api, requestId);
  // Under 512 KiB of body the event cannot reach the quota (the rest of it is bounded by Node's 16 KiB of request
  // line and headers, each in the event at most twice and escaped at most sixfold): only larger ones are measured.
  if (body.length > 512 * 1024) {
    const eventBytes = Buffer.byteLength(JSON.stringify(event));
    if (eventBytes > maxInvokeRequestBytes) return refuseOverInvokeLimit(res, options, requestId, `its event (${eventBytes} bytes)`);
  }
  const awsRequestId = randomUUID();

  let integrationTimer: NodeJS.Timeout | undefined;
  const integrationTimeout = new Promise<"integration-timeout">((resolve) => {
    integrationTimer = setTimeout(() => resolve("integration-timeout"), options.integrationTimeoutMs);
  });
  const outcome = await Promise.race([options.fn().invoke(event, options.context(awsRequestId)), integrationTimeout]);
  clearTimeout(integrationTimer);

  if (outcome !== "integration-timeout" && outcome.kind !== "result") invocation.functionError = true;
  if (outcome === "integration-timeout") {
    options.log(`${requestId} Endpoint request timed out after ${options.integrationTimeoutMs} ms (integration timeout)`);
    return sendGatewayError(res, gatewayErrors.timeout, requestId, format);
  }
  const response = gatewayResponse(outcome, format, awsRequestId, options.log);
  if ("message" in response) return sendGatewayError(res, response, requestId, format);
  send(res, options.cors ? withCorsHeaders(options.cors, request.headers, response) : response, requestId, format, request.method);
}

/** Lambda refuses the invocation (its event would pass the quota) and API Gateway answers for it: the function never runs. */
function refuseOverInvokeLimit(res: ServerResponse, options: EndpointServerOptions, requestId: string, what: string): void {
  options.log(`${requestId} Lambda refused the invocation: ${what} is over the ${maxInvokeRequestBytes}-byte invoke payload quota`);
  sendGatewayError(res, gatewayErrors.invokeTooLarge, requestId, options.format);
}

/** What API Gateway makes of the invocation's outcome: the function's response, or its own error. */
function gatewayResponse(
  outcome: InvocationOutcome,
  format: ApiFormat,
  awsRequestId: string,
  log: (line: string) => void,
): GatewayResponse | GatewayError {
  switch (outcome.kind) {
    case "timeout":
      // A function timeout is a failed invocation: API Gateway answers 502, not 504.
      log(`${awsRequestId} Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds`);
      return gatewayErrors.internal;
    case "error":
      log(`${awsRequestId} ERROR Invoke Error ${JSON.stringify({ errorType: outcome.errorType, errorMessage: outcome.errorMessage, stack: outcome.stack?.split("\n") })}`);
      return gatewayErrors.internal;
    case "result": {
      if (Buffer.byteLength(outcome.payload) > maxResponseBytes) {
        log(`${awsRequestId} Response payload size exceeded maximum allowed payload size (${maxResponseBytes} bytes).`);
        return gatewayErrors.internal;
      }
      try {
        return format.toResponse(JSON.parse(outcome.payload));
      } catch (error) {
        if (!(error instanceof MalformedResult)) throw error;
        log(`${awsRequestId} Execution failed due to configuration error: Malformed Lambda proxy response (${error.message})`);
        return gatewayErrors.internal;
      }
    }
  }
}

/** The path behind the base path (`/dev/x` -> `/x`, `/dev` -> `/`), or undefined when the request is outside it. */
function routedPath(rawPath: string, basePath: string): string | undefined {
  if (basePath === "") return rawPath;
  if (rawPath === basePath) return "/";
  if (rawPath.startsWith(`${basePath}/`)) return rawPath.slice(basePath.length);
  return undefined;
}

/** Node's flat rawHeaders list as pairs, names as sent. */
function headerPairs(rawHeaders: string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
  return pairs;
}

/**
 * The request body, streamed in and bounded: at most {@link maxInvokeRequestBytes} are ever buffered (a larger body
 * cannot be invoked), so memory stays bounded however many large requests arrive at once. A larger body is refused
 * as soon as its Content-Length says so, before any of it is read; a chunked one past the bound is counted and
 * dropped, chunk by chunk. Either way the rest is read and discarded, so the client receives the answer.
 */
function readBody(req: IncomingMessage): Promise<Buffer | "over-invoke-limit" | "over-gateway-limit"> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    let size = 0;
    const chunks: Buffer[] = [];
    const verdict = (total: number) => (total > maxRequestBytes ? "over-gateway-limit" : "over-invoke-limit");
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxInvokeRequestBytes && !(declared > maxInvokeRequestBytes)) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(size > maxInvokeRequestBytes ? verdict(size) : Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

/**
 * Sends a response, its Content-Length the body's. A HEAD answer has no body and the Content-Length GET would have
 * (RFC 9110 §9.3.2): the one the function set (Koa behind fleet's adapter answers HEAD with the length and no
 * body), else the length of the body it returned.
 */
function send(res: ServerResponse, response: GatewayResponse, requestId: string | undefined, format: ApiFormat, method = "GET"): void {
  const head = method === "HEAD";
  const headers = response.headers.filter(([name]) => !hopByHop.has(name.toLowerCase()));
  if (requestId) headers.push([format.requestIdHeader, requestId]);
  const declared = head ? response.headers.find(([name]) => name.toLowerCase() === "content-length")?.[1] : undefined;
  headers.push(["content-length", declared ?? String(response.body.length)]);
  res.writeHead(response.status, headers.flat());
  res.end(head ? undefined : response.body);
}

function sendGatewayError(res: ServerResponse, error: GatewayError, requestId: string | undefined, format: ApiFormat): void {
  const body = Buffer.from(error.plainText ? error.message : JSON.stringify({ message: error.message }));
  const headers: Array<[string, string]> = [["content-type", error.plainText ? "text; charset=utf-8" : "application/json"]];
  if (error.errorType) headers.push(["x-amzn-ErrorType", error.errorType]);
  send(res, { status: error.status, headers, body }, requestId, format);
}
