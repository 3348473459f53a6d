import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { buildBundle } from "../../build/bundle";
import { parseFleetConfig } from "../../core/fleet-config";
import { startEmulator, type Emulator } from "../../emulator";
import { headerValues, send } from "../emulator/http-client";
import namesEcho from "../fixtures/apps/names-echo/fleet.config";
import { hostileName } from "./helpers/event-arbitraries";

/** Requests per API: 150 in `npm test`; `npm run fuzz` sets FLEET_FUZZ_RUNS=10000. */
const runs = Number(process.env.FLEET_FUZZ_RUNS ?? 150);
const seed = process.env.FLEET_FUZZ_SEED === undefined ? undefined : Number(process.env.FLEET_FUZZ_SEED);

// Names a URL carries as they are (no character the client would encode): hostile ones (__proto__, constructor,
// thousands of characters, invalid %-encoding) among ordinary ones. Values likewise, without `+`, which the two
// APIs decode differently.
const queryName = fc.oneof(fc.constantFrom("a", "lang", "x-y"), fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), hostileName);
const queryValue = fc.oneof(fc.constantFrom("", "1", "%ZZ", "%E2%82%AC", "%"), fc.stringMatching(/^[a-z0-9._~-]{0,8}$/));
const headerName = fc.oneof(
  fc.constantFrom("x-a", "X-Tag", "accept", "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  fc.integer({ min: 256, max: 2048 }).map((length) => `x-${"h".repeat(length)}`),
);
const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,16}$/);
const request = fc.record({
  method: fc.constantFrom("GET", "POST", "HEAD", "DELETE"),
  query: fc.array(fc.tuple(queryName, queryValue), { maxLength: 6 }),
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
});

/**
 * The query names the app should be handed: an HTTP API passes the raw query, which Koa decodes as URLSearchParams
 * does (an invalid sequence becomes U+FFFD); a REST API decodes each name itself, keeping one it cannot decode as
 * sent, and the adapter encodes it again for Koa.
 */
function expectedNames(api: "rest" | "http", query: Array<[string, string]>, text: string): string[] {
  const names = api === "http" ? [...new URLSearchParams(text).keys()] : query.map(([name]) => decoded(name));
  return [...new Set(names)].sort();
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

describe("the emulator and fleet's adapter over HTTP under hostile header and query names (a Koa app reading ctx.query)", function () {
  this.timeout(120_000 + runs * 2 * 50);
  let tmp: string;
  let emulator: Emulator;
  const gatewayLog: string[] = [];

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "fleet-http-fuzz-"));
    const bundle = await buildBundle(path.join(tmp, "bundle"), { config: parseFleetConfig(namesEcho) });
    const endpoint = (api: "rest" | "http") => ({ key: api, account: "111111111111", region: "eu-west-1", port: 0, api, stage: "dev", bundleFile: bundle.file, env: { FLEET_LOG_LEVEL: "error" } });
    emulator = await startEmulator({ endpoints: [endpoint("rest"), endpoint("http")], log: (key, text) => gatewayLog.push(`[${key}] ${text}`) });
  });
  after(async () => {
    await emulator?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  for (const api of ["rest", "http"] as const) {
    it(`${api}: ${runs} requests are each answered below 500, the app handed every query name sent`, async () => {
      const base = emulator.endpoints.find((e) => e.key === api)!.url;
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(request, async ({ method, query, headers }) => {
          gatewayLog.length = 0;
          const text = query.map(([name, value]) => `${name}=${value}`).join("&");
          const response = await send(`${base}x${text ? `?${text}` : ""}`, { method, headers });
          statuses.add(response.status);
          assert.ok(response.status < 500, `answered ${response.status}: ${response.body.toString().slice(0, 300)} ${gatewayLog.join(" ")}`);
          if (response.status !== 200 || method === "HEAD") return;
          const seen = response.json() as { query: string[]; headers: string[] };
          assert.deepEqual(seen.query.sort(), expectedNames(api, query, text));
          for (const [name] of headers) assert.ok(seen.headers.includes(name.toLowerCase()), `header ${name} did not reach the app`);
          assert.deepEqual(headerValues(response, "x-fleet-region"), ["eu-west-1"]);
        }),
        { numRuns: runs, seed },
      );
      // Requests past Node's 16 KiB of headers get 431 from the HTTP server; most must reach the app.
      assert.ok(statuses.has(200), `no request reached the app (statuses ${[...statuses].join(", ")})`);
    });
  }
});
