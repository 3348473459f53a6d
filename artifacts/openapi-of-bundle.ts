import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { digestOf, type Digest } from "../core/digest";
import { FleetError } from "../core/errors";

const run = promisify(execFile);

// Runs in a fresh Node process so the bundle's module-scope config reads this env, not ours.
const marker = "@@fleet-openapi@@";
const script = `
const marker = ${JSON.stringify(marker)};
const { handler } = require(process.argv[1]);
const path = process.argv[2];
const event = {
  resource: "/{proxy+}", path, httpMethod: "GET",
  headers: { accept: "application/json", host: "release.local" },
  multiValueHeaders: { accept: ["application/json"], host: ["release.local"] },
  queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: { proxy: path.slice(1) },
  stageVariables: null, body: null, isBase64Encoded: false,
  requestContext: { requestId: "fleet-release", stage: "release", httpMethod: "GET", path: "/release" + path,
    resourcePath: "/{proxy+}", identity: { sourceIp: "127.0.0.1" }, requestTimeEpoch: 0, accountId: "000000000000", apiId: "release" },
};
const context = { awsRequestId: "fleet-release", functionName: "fleet", getRemainingTimeInMillis: () => 10000, callbackWaitsForEmptyEventLoop: true };
Promise.resolve(handler(event, context)).then((result) => {
  process.stdout.write("\\n" + marker + JSON.stringify(result));
}, (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

/**
 * The OpenAPI document a bundle serves at `path` (fleet.config.ts `openapi`): invokes its handler with a synthetic
 * API Gateway GET in a child process (the bundle, not the sources, is what ships; no app internals are imported).
 * @throws FleetError when the bundle does not load or does not answer an OpenAPI document there
 */
export async function openapiOfBundle(indexFile: string, path: string): Promise<unknown> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, ["-e", script, indexFile, path], {
      env: { PATH: process.env.PATH, FLEET_STAGE: "release", AWS_REGION: "us-east-1", FLEET_LOG_LEVEL: "error" },
      timeout: 15000,
      maxBuffer: 16 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim().split("\n")[0];
    throw new FleetError(`the built bundle could not answer GET ${path} to record its OpenAPI document: ${stderr || (error as Error).message}. Fix: run the app (fleet start) and check that path`);
  }
  // The bundle may log to stdout; the result is what follows the last marker.
  const result = JSON.parse(stdout.slice(stdout.lastIndexOf(marker) + marker.length)) as { statusCode?: number; body?: string; isBase64Encoded?: boolean };
  const body = typeof result.body === "string" ? (result.isBase64Encoded ? Buffer.from(result.body, "base64").toString("utf8") : result.body) : "";
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    document = undefined;
  }
  const version = (document as { openapi?: unknown } | undefined)?.openapi;
  if (result.statusCode !== 200 || typeof version !== "string" || !version.startsWith("3.")) {
    throw new FleetError(
      `fleet.config.ts openapi: GET ${path} of the built bundle answered ${result.statusCode ?? "nothing"} without an OpenAPI 3 document. ` +
        `Fix: point openapi at the path where the app serves its document, or remove openapi (API compatibility is then not checked)`,
    );
  }
  return document;
}

/** `sha256:<hex>` of a JSON value written with sorted keys, so key order never changes the hash. */
export function canonicalDigest(value: unknown): Digest {
  return digestOf(Buffer.from(canonicalJson(value)));
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
