import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp, type CreateAppOptions } from "..";
import type { AppConfig } from "../config";
import { lambdaStateKey, type LambdaState } from "../../lambda/lambda-state";
import { JsonLogger } from "fleet/middleware";

/** A config as a deployed function in eu-west-1 would have it. */
export const testConfig: AppConfig = {
  stage: "dev",
  region: "eu-west-1",
  release: `sha256:${"ab".repeat(32)}`,
  logLevel: "info",
};

/** A logger that prints nothing (tests that look at logs use captureLogs instead). */
export function silentLogger(): JsonLogger {
  return new JsonLogger({ service: "fleet-test", level: "silent" });
}

/** The app's request listener with the test config and a silent logger unless overridden. */
export function testHandler(options: CreateAppOptions = {}) {
  return createApp({ config: testConfig, logger: silentLogger(), ...options }).callback();
}

/**
 * Wraps a request listener the way the Lambda adapter does: sets the LambdaState on the Node request
 * before the app sees it.
 */
export function withLambdaState(
  listener: (req: IncomingMessage, res: ServerResponse) => unknown,
  state: LambdaState,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    (req as IncomingMessage & { [lambdaStateKey]?: LambdaState })[lambdaStateKey] = state;
    return listener(req, res);
  };
}

/**
 * Runs `fn` while collecting the JSON log lines the app's logger writes (info and debug to stdout, warn and
 * error to stderr), keeping them off the test output. Other output passes through.
 */
export async function captureLogs<T>(fn: () => PromiseLike<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  streams.forEach((stream, index) => {
    const write = originals[index]!;
    stream.write = function (chunk: unknown, ...rest: unknown[]) {
      const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString() : "";
      const parsed = tryParse(text.trim());
      if (parsed && "level" in parsed) {
        lines.push(parsed);
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      }
      return (write as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    } as typeof stream.write;
  });
  try {
    const result = await fn();
    return { result, lines };
  } finally {
    streams.forEach((stream, index) => (stream.write = originals[index]!));
  }
}

/** A raw HTTP exchange with the app on an ephemeral loopback port: for bodies supertest cannot send. */
export async function rawRequest(
  listener: http.RequestListener,
  options: { method: string; path: string; headers?: http.OutgoingHttpHeaders; chunks?: (string | Buffer)[] },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const server = http.createServer(listener).listen(0, "127.0.0.1");
  try {
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, method: options.method, path: options.path, headers: options.headers }, (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      });
      req.on("error", reject);
      for (const chunk of options.chunks ?? []) req.write(chunk);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function tryParse(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A fixed LambdaState for tests (the adapter's own tests cover building it from real events). */
export function fakeLambdaState(overrides: Partial<LambdaState> = {}): LambdaState {
  return {
    event: {},
    context: { awsRequestId: "lambda-invocation-id" } as LambdaState["context"],
    kind: "rest-v1",
    requestId: "apigw-request-id-123",
    sourceIp: "203.0.113.7",
    ...overrides,
  };
}
