import { createHash, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiFormat, ApiKind } from "./events/format";
import { httpV2 } from "./events/http-v2";
import { restV1 } from "./events/rest-v1";
import { functionNames, lambdaEnvironment, type FunctionIdentity } from "./lambda-env";
import { integrationTimeoutMs } from "./limits";
import { RegionalFunction } from "./regional-function";
import { createEndpointServer, type RequestSample } from "./server";
import type { FunctionCode, FunctionOutput, InvocationContext, InvocationOutcome } from "./worker/lambda-worker";

export type { ApiKind } from "./events/format";
export type { RequestSample } from "./server";
export type { InvocationOutcome } from "./worker/lambda-worker";

/** One local endpoint: API Gateway in front of the function of one account x region. */
export interface EndpointConfig {
  /** `<account>/<region>`. */
  key: string;
  account: string;
  region: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port: number;
  api: ApiKind;
  /** The stage name (the REST URL prefix `/<stage>`; HTTP APIs serve `$default`). */
  stage: string;
  /** Absolute path of the bundle exporting `handler`. */
  bundleFile: string;
  /** The function's configured environment; Lambda's reserved variables (AWS_REGION, ...) are added. */
  env: Record<string, string>;
  /** Where the function's output is kept, line by line with its time (local-cloud/function-logs.ts). @default not kept */
  logFile?: string;
  /** Run the function under the Node inspector on this port of 127.0.0.1 (0: any free port). @default no inspector */
  inspectPort?: number;
  /**
   * The function's timeout in ms (the stage's `timeout`): past it Lambda fails the invocation and API Gateway
   * answers 502, as in the cloud.
   * @default the integration timeout
   */
  timeoutMs?: number;
  /**
   * API Gateway's integration timeout in ms: past it the client gets 504 while the function may still run.
   * @default 29000 for REST, 30000 for HTTP APIs (their maximums)
   */
  integrationTimeoutMs?: number;
  /** @default 1024 */
  memoryMB?: number;
  /** @default `fleet-<stage>` */
  functionName?: string;
  /**
   * REST only: content types handed to the function base64-encoded.
   * @default ["*\/*"], as the platform deploys REST APIs
   */
  binaryMediaTypes?: string[];
  /**
   * HTTP APIs only: the stage's `fleet:cors` origins. API Gateway then answers preflights itself and sets
   * `access-control-allow-origin` for allowed origins, as the deployed API does.
   * @default undefined (no CORS handling: everything reaches the function)
   */
  corsOrigins?: string[];
}

/** A running endpoint, as a client uses it. */
export interface RunningEndpoint {
  key: string;
  account: string;
  region: string;
  api: ApiKind;
  /** The regional base URL, ending in `/`: `http://127.0.0.1:3000/dev/` (REST), `http://127.0.0.1:3001/` (HTTP). */
  url: string;
}

/** The code and environment of one function. */
export interface EndpointCode {
  bundleFile: string;
  env: Record<string, string>;
}

export interface Emulator {
  endpoints: RunningEndpoint[];
  /** Swaps the code/env one endpoint serves without stopping its server; in-flight requests finish on the old code. */
  replace(key: string, code: EndpointCode): Promise<void>;
  /**
   * Routes `weight` percent of an endpoint's requests, each picked at random as a weighted Lambda alias does, to a
   * second function (a canary) in its own worker, the rest to the one `replace` set; `null` takes the canary out
   * (its requests in flight finish). Changing only the weight keeps the canary's worker.
   */
  canary(key: string, canary: (EndpointCode & { weight: number }) | null): Promise<void>;
  /** Stops every server and worker. */
  close(): Promise<void>;
}

export interface EmulatorOptions {
  endpoints: EndpointConfig[];
  /** Where the functions' stdout/stderr and the emulator's gateway log lines go. @default process.stderr, prefixed with the key */
  log?: (key: string, text: string) => void;
  /**
   * Without `log`, each function's worker writes its stdout/stderr itself to this file descriptor, every line
   * prefixed with `[key] `, so a log line never crosses to the main thread. @default 2 (stderr)
   */
  functionOutputFd?: number;
  /**
   * Without `log`: write the functions' JSON log lines for people, one short line each (a request's, from fleet's
   * access log: `time region METHOD path status ms`; others `time region LEVEL message`), not as raw JSON.
   * @default false (raw, every line prefixed with `[key] `)
   */
  readableOutput?: boolean;
  /** Told about every request each endpoint answered (the local cloud keeps per-region metrics from it). @default none */
  observe?: (key: string, sample: RequestSample) => void;
}

/** The canary an endpoint runs beside its function: the function, its share of requests, and what it was started from. */
interface RunningCanary {
  fn: RegionalFunction;
  weight: number;
  code: EndpointCode;
}

const formats: Record<ApiKind, ApiFormat> = { rest: restV1, http: httpV2 };

/** Starts one API Gateway emulation per endpoint, each with its function in its own worker thread. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const log = options.log ?? ((key, text) => process.stderr.write(prefixLines(`[${key}] `, text)));
  // A region names an endpoint unless the endpoints span several accounts.
  const severalAccounts = new Set(options.endpoints.map((e) => e.account)).size > 1;
  const labelOf = (config: EndpointConfig) => (severalAccounts ? config.key : config.region);
  const started: Array<{ config: EndpointConfig; fn: RegionalFunction; canary: RunningCanary | undefined; logs: FunctionOutput; server: Server; url: string }> = [];
  const close = async () => {
    // Stop accepting, then drop open connections: a request stuck in a function must not hold the exit.
    const closed = started.map(({ server }) => new Promise((resolve) => server.close(resolve)));
    for (const { server } of started) server.closeAllConnections();
    await Promise.all(closed);
    await Promise.all(started.flatMap(({ fn, canary }) => [fn.close(), ...(canary ? [canary.fn.close()] : [])]));
  };
  try {
    for (const config of options.endpoints) {
      const identity = functionIdentity(config);
      const logs: FunctionOutput = options.log
        ? (_stream, chunk) => log(config.key, chunk.toString())
        : { fd: options.functionOutputFd ?? 2, prefix: `[${config.key}] `, ...(options.readableOutput ? { readable: labelOf(config) } : {}) };
      const fn = await RegionalFunction.start(functionCode(config, config), logs).catch(
        (error: Error) => {
          throw new Error(`${config.key}: ${error.message}`);
        },
      );
      const entry = { config, fn, canary: undefined as RunningCanary | undefined, logs, server: undefined as unknown as Server, url: "" };
      const format = formats[config.api];
      const names = functionNames(identity);
      const integrationTimeout = config.integrationTimeoutMs ?? integrationTimeoutMs[config.api];
      const functionTimeoutMs = config.timeoutMs ?? integrationTimeout;
      entry.server = createEndpointServer({
        format,
        api: { accountId: config.account, apiId: apiId(config), stage: config.stage, binaryMediaTypes: config.binaryMediaTypes ?? ["*/*"] },
        // Per request, as Lambda routes an alias with weights.
        fn: () => (entry.canary && Math.random() * 100 < entry.canary.weight ? entry.canary.fn : entry.fn),
        context: (awsRequestId) => invocationContext(identity, names, awsRequestId, functionTimeoutMs),
        integrationTimeoutMs: integrationTimeout,
        log: (line) => log(config.key, `${line}\n`),
        ...(config.api === "http" && config.corsOrigins ? { cors: { origins: config.corsOrigins } } : {}),
        ...(options.observe ? { observe: (sample: RequestSample) => options.observe!(config.key, sample) } : {}),
      });
      started.push(entry);
      const port = await listen(entry.server, config.port, config.key);
      entry.url = `http://127.0.0.1:${port}${format.basePath(config.stage)}/`;
    }
  } catch (error) {
    await close();
    throw error;
  }

  const endpoint = (key: string) => {
    const entry = started.find(({ config }) => config.key === key);
    if (!entry) throw new Error(`no endpoint '${key}'; the endpoints are ${started.map(({ config }) => config.key).join(", ")}`);
    return entry;
  };
  return {
    endpoints: started.map(({ config, url }) => ({ key: config.key, account: config.account, region: config.region, api: config.api, url })),
    async replace(key, code) {
      const entry = endpoint(key);
      await entry.fn.replace(functionCode(entry.config, code));
    },
    async canary(key, next) {
      const entry = endpoint(key);
      const previous = entry.canary;
      if (next && previous && previous.code.bundleFile === next.bundleFile && sameEnv(previous.code.env, next.env)) {
        previous.weight = next.weight;
        return;
      }
      entry.canary = next
        ? {
            fn: await RegionalFunction.start(functionCode(entry.config, next), entry.logs),
            weight: next.weight,
            code: { bundleFile: next.bundleFile, env: next.env },
          }
        : undefined;
      await previous?.fn.retire();
    },
    close,
  };
}

/** What an endpoint's worker runs: `code` with Lambda's environment of the endpoint's function, logging to its file. */
function functionCode(config: FunctionConfig, code: EndpointCode): FunctionCode {
  return {
    bundleFile: code.bundleFile,
    env: lambdaEnvironment(functionIdentity(config), code.env),
    ...(config.logFile ? { logFile: config.logFile } : {}),
    ...(config.inspectPort !== undefined ? { inspect: { port: config.inspectPort, label: config.key } } : {}),
  };
}

/** The Lambda context of one invocation of the function `identity` names, ending at its timeout. */
function invocationContext(identity: FunctionIdentity, names: ReturnType<typeof functionNames>, awsRequestId: string, timeoutMs: number): InvocationContext {
  return {
    awsRequestId,
    functionName: identity.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: names.invokedFunctionArn,
    memoryLimitInMB: String(identity.memoryMB),
    logGroupName: names.logGroupName,
    logStreamName: names.logStreamName,
    deadline: Date.now() + timeoutMs,
  };
}

/** The function of one endpoint, without its gateway: what a direct invocation needs. */
export type FunctionConfig = Pick<EndpointConfig, "key" | "account" | "region" | "stage" | "bundleFile" | "env" | "timeoutMs" | "memoryMB" | "functionName" | "logFile" | "inspectPort">;

/** How a direct invocation went: the outcome as Lambda's Invoke would report it, and how long the handler ran. */
export interface DirectInvocation {
  outcome: InvocationOutcome;
  durationMs: number;
}

/**
 * Invokes a function once with `event` as given, as Lambda's Invoke API does (no gateway, no event format): a
 * fresh worker loads the bundle (a cold start), runs the invocation until it settles or the function's timeout,
 * and stops. Its output goes to stderr prefixed with `[key] `, and to its log file. Rejects when the bundle fails
 * to load.
 */
export async function invokeFunction(config: FunctionConfig, event: unknown): Promise<DirectInvocation> {
  const identity = functionIdentity(config);
  const fn = await RegionalFunction.start(functionCode(config, config), { fd: 2, prefix: `[${config.key}] ` });
  try {
    const started = performance.now();
    const outcome = await fn.invoke(event, invocationContext(identity, functionNames(identity), randomUUID(), config.timeoutMs ?? 3000));
    return { outcome, durationMs: Math.round(performance.now() - started) };
  } finally {
    await fn.close();
  }
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function functionIdentity(config: FunctionConfig): FunctionIdentity {
  return {
    account: config.account,
    region: config.region,
    functionName: config.functionName ?? `fleet-${config.stage}`,
    memoryMB: config.memoryMB ?? 1024,
  };
}

/** A stable, execute-api-shaped id (10 lowercase alphanumerics) per endpoint, so ids don't change between runs. */
function apiId(config: EndpointConfig): string {
  const digits = BigInt(`0x${createHash("sha256").update(`${config.key}/${config.api}/${config.stage}`).digest("hex").slice(0, 16)}`);
  return digits.toString(36).padStart(10, "0").slice(-10);
}

/** The port an endpoint was given is taken by another process. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(
    readonly key: string,
    readonly port: number,
  ) {
    super(`${key}: port ${port} is in use; pass --port with a free port (or 0 for any)`);
  }
}

function listen(server: Server, port: number, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new PortInUseError(key, port) : new Error(`${key}: ${error.message}`));
    });
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function prefixLines(prefix: string, text: string): string {
  return text.replace(/^(?=.)/gm, prefix);
}
