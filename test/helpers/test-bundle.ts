import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

export interface TestBundleOptions {
  /** Changes the bytes (and so the digest) without changing behaviour. */
  version: string;
  /** `/health` answers 500 in this region: the "broken release" of the rollout tests. */
  failInRegion?: string;
  /** The bundle throws while loading in this region: the function never starts there. */
  crashInRegion?: string;
  /** `/health` takes 3 s in this region: the region that times out. */
  slowInRegion?: string;
  /**
   * Every n-th request to each path answers 500 (counted per path and per worker): with 3, one request in three
   * fails, yet one smoke round (each probe once) passes.
   */
  failEvery?: number;
  /** Document `lang` as accepting `en` only (the handler still answers): a narrowed input, a breaking change. */
  narrowLang?: boolean;
  /** Each request writes a line of fleet's access log (JSON, as the adapter's middleware does) and `plain <path>`. */
  logs?: boolean;
}

/** An OpenAPI 3.1 document with the smoke test's contract call, shaped like the app's. */
export function testOpenApi(options: { narrowLang?: boolean } = {}): unknown {
  return {
    openapi: "3.1.0",
    info: { title: "fleet test bundle", version: "1" },
    paths: {
      "/health": { get: { responses: { "200": { description: "ok" } } } },
      "/v1/greetings/{name}": {
        get: {
          parameters: [
            { name: "name", in: "path", required: true, schema: { type: "string", minLength: 1, maxLength: 64 } },
            { name: "lang", in: "query", required: false, schema: { type: "string", enum: options.narrowLang ? ["en"] : ["en", "fr", "de"] } },
          ],
          responses: { "200": { description: "a greeting" } },
        },
      },
    },
  };
}

/** The probes the test bundle passes (pass them to createRelease: the repository's fleet.config.ts is the example's). */
export const testProbes = {
  health: "/health",
  smoke: [{ method: "GET" as const, path: "/v1/greetings/fleet", status: 200 }],
  openapi: "/openapi.json",
};

/**
 * Writes a small Lambda bundle (a real handler, no app) into a fresh directory for `packBundleDir`: it answers
 * /health, /openapi.json and /v1/greetings/:name from the Lambda env in a few lines, `/echo` with the request as
 * the function received it (method, path, query, headers, body), and stamps x-fleet-release and x-fleet-region on
 * every answer as fleet's adapter does.
 */
export async function writeTestBundle(options: TestBundleOptions): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "fleet-bundle-"));
  const code = `// test bundle ${options.version}
const openapi = ${JSON.stringify(testOpenApi(options))};
const failInRegion = ${JSON.stringify(options.failInRegion ?? null)};
const slowInRegion = ${JSON.stringify(options.slowInRegion ?? null)};
const failEvery = ${JSON.stringify(options.failEvery ?? null)};
const served = new Map();
if (process.env.AWS_REGION === ${JSON.stringify(options.crashInRegion ?? null)}) throw new Error("cannot start in " + process.env.AWS_REGION);
const fleet = { "x-fleet-release": process.env.FLEET_RELEASE || "dev", "x-fleet-region": process.env.AWS_REGION || "local" };
const json = (statusCode, body) => ({ statusCode, headers: { "content-type": "application/json", ...fleet }, body: JSON.stringify(body) });
const logs = ${JSON.stringify(options.logs ?? false)};
exports.handler = async (event) => {
  const path = event.rawPath ?? event.path;
  const region = process.env.AWS_REGION;
  if (logs) {
    console.log(JSON.stringify({ level: "info", method: event.requestContext?.http?.method ?? event.httpMethod, path, status: 200, latencyMs: 1 }));
    console.log("plain " + path);
  }
  if (failEvery !== null) {
    served.set(path, (served.get(path) ?? 0) + 1);
    if (served.get(path) % failEvery === 0) return json(500, { title: "Internal Server Error", status: 500 });
  }
  if (path === "/echo") {
    const body = event.body == null ? null : event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
    const method = event.requestContext?.http?.method ?? event.httpMethod;
    return json(200, { method, path, query: event.queryStringParameters ?? {}, headers: event.headers ?? {}, body });
  }
  if (path === "/health") {
    if (region === failInRegion) return json(500, { status: "failing", region });
    if (region === slowInRegion) await new Promise((resolve) => setTimeout(resolve, 3000));
    return json(200, { status: "ok", stage: process.env.FLEET_STAGE, region, release: process.env.FLEET_RELEASE ?? "dev" });
  }
  if (path === "/openapi.json") return json(200, openapi);
  const greeting = /^\\/v1\\/greetings\\/([^/]+)$/.exec(path);
  if (greeting) return json(200, { greeting: "Hello, " + decodeURIComponent(greeting[1]) + "!" });
  return json(404, { title: "Not Found", status: 404 });
};
`;
  await writeFile(path.join(dir, "index.js"), code);
  return dir;
}
