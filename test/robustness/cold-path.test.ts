import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { restV1Event } from "../../bench/events";
import { loadBuiltHandler, robustnessEnv } from "./helpers/built-handler";

const marker = "cold-path-report:";

/** Loads the bundle in a fresh node, answers one event, and reports the internal modules each phase loaded. */
const probe = `
const before = new Set(process.moduleLoadList);
const { handler } = require(process.argv[1]);
const loaded = new Set(process.moduleLoadList);
handler(JSON.parse(process.argv[2]), { awsRequestId: "cold-1", getRemainingTimeInMillis: () => 3000 }).then((result) => {
  const firstRequest = process.moduleLoadList.filter((m) => !loaded.has(m));
  const atLoad = [...loaded].filter((m) => !before.has(m));
  process.stdout.write("\\n${marker}" + JSON.stringify({ status: result.statusCode, body: result.body, atLoad, firstRequest }) + "\\n");
  process.exit(0);
});`;

interface ColdReport {
  status: number;
  body: string;
  /** Internal modules loaded by requiring the bundle, then by answering the first event. */
  atLoad: string[];
  firstRequest: string[];
}

let report: Promise<ColdReport> | undefined;

/** One fresh node process answering one event, shared by the tests below (each asserts on a part of it). */
function coldReport(): Promise<ColdReport> {
  report ??= loadBuiltHandler().then(({ bundle }) => {
    const stdout = execFileSync(process.execPath, ["-e", probe, bundle.file, JSON.stringify(restV1Event())], {
      env: { PATH: process.env.PATH, ...robustnessEnv },
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
    const line = stdout.split("\n").find((l) => l.startsWith(marker));
    assert.ok(line, `the probe printed no report:\n${stdout.slice(0, 500)}`);
    return JSON.parse(line.slice(marker.length)) as ColdReport;
  });
  return report;
}

/** The modules of both phases matching `pattern`. */
async function loadedMatching(pattern: RegExp): Promise<string[]> {
  const { status, atLoad, firstRequest } = await coldReport();
  assert.equal(status, 200);
  return [...atLoad, ...firstRequest].filter((m) => pattern.test(m));
}

describe("the built bundle's cold path", () => {
  it("answers a JSON route without loading undici (koa's Response check is rewritten at build time)", async () => {
    const { body, atLoad } = await coldReport();
    assert.deepEqual(JSON.parse(body), { greeting: "Hello, Ada!" });
    assert.ok(atLoad.length > 0, "the probe saw no module load at all, so it cannot see undici either");
    assert.deepEqual(await loadedMatching(/undici/), [], "undici was loaded on the cold path");
  });

  it("answers a JSON route without loading zlib (destroy's zlib is loaded on first use)", async () => {
    assert.deepEqual(await loadedMatching(/\bzlib\b/), []);
  });

  it("answers a JSON route without loading v8, crypto, assert or fs/promises (loaded where they are used)", async () => {
    assert.deepEqual(await loadedMatching(/^NativeModule (v8|crypto|assert|internal\/fs\/promises)$/), []);
  });

  it("answers a JSON route without loading tty (debug is loaded only when DEBUG is set)", async () => {
    assert.deepEqual(await loadedMatching(/\btty\b/), []);
  });

  it("still prints koa-router's debug output when DEBUG is set", async () => {
    const { bundle } = await loadBuiltHandler();
    const run = spawnSync(process.execPath, ["-e", probe, bundle.file, JSON.stringify(restV1Event())], {
      env: { PATH: process.env.PATH, ...robustnessEnv, DEBUG: "koa-router" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    assert.equal(run.status, 0);
    assert.match(run.stderr.toString(), /koa-router defined route/);
  });
});
