import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { runCli } from "../helpers/run-cli";
import { repositoryWith } from "../helpers/repository-copy";

/**
 * Evaluates `expression` in the JavaScript context a debugger attached to `url` gets, over the inspector's real
 * WebSocket protocol (a separate Node: this one may have no WebSocket client).
 */
async function evaluateThrough(url: string, expression: string): Promise<string> {
  const script = `const ws = new WebSocket(process.argv[1]);
ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: "Runtime.evaluate", params: { expression: process.argv[2] } }));
ws.onmessage = (m) => { const r = JSON.parse(m.data); if (r.id === 1) { console.log(String(r.result.result.value)); process.exit(0); } };
ws.onerror = (e) => { console.error(String(e.message ?? e)); process.exit(1); };`;
  const flags = typeof (globalThis as { WebSocket?: unknown }).WebSocket === "undefined" ? ["--experimental-websocket", "--no-warnings"] : [];
  const { stdout } = await promisify(execFile)(process.execPath, [...flags, "-e", script, url, expression], { timeout: 15_000 });
  return stdout.trim();
}

/**
 * `fleet start --inspect` on a fixture app: each region's function runs under its own Node inspector, and a
 * debugger attached to it evaluates in that region's function (its own AWS_REGION), not in fleet's process.
 */
describe("fleet start --inspect (CLI)", function () {
  this.timeout(120_000);
  let root: string;
  let localDir: string;
  before(async () => {
    root = await repositoryWith("plain-koa");
    localDir = await mkdtemp(path.join(tmpdir(), "fleet-inspect-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(localDir, { recursive: true, force: true });
  });

  it("opens one inspector per region, announced with it, in which a debugger runs in that region's function", async () => {
    const child = spawn(process.execPath, [path.join(root, "cli", "bin.js"), "start", "--port", "0", "--json", "--inspect=0"], {
      cwd: root,
      env: { ...process.env, FLEET_LOCAL_DIR: localDir },
    });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      const announced = () => [...stderr.matchAll(/^debugger for (\d{12}\/[a-z0-9-]+): (ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+) \(chrome:\/\/inspect, or attach a debugger to 127\.0\.0\.1:\d+\)$/gm)];
      for (let i = 0; i < 600 && (announced().length < 2 || !stdout.includes("\n")); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const debuggers = new Map(announced().map((m) => [m[1]!, m[2]!]));
      assert.deepEqual([...debuggers.keys()], ["111111111111/us-east-1", "111111111111/eu-west-1"], stderr);
      for (const [key, url] of debuggers) {
        assert.equal(await evaluateThrough(url, "process.env.AWS_REGION"), key.split("/")[1]);
      }
      // The debugger shows the app's own source: the bundle carries an inline source map with it.
      const bundle = await readFile(path.join(root, "dist", "lambda", "index.js"), "utf8");
      const map = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(bundle);
      assert.ok(map, "an inline source map at the end of the bundle");
      const sourceMap = JSON.parse(Buffer.from(map[1]!, "base64").toString()) as { sources: string[]; sourcesContent: string[] };
      const app = sourceMap.sources.findIndex((source) => source.endsWith("app/index.ts"));
      assert.match(sourceMap.sourcesContent[app]!, /export function createApp\(\): Koa/);
      // The endpoints still answer while debuggable.
      const { endpoints } = JSON.parse(stdout.slice(0, stdout.indexOf("\n"))) as { endpoints: { url: string }[] };
      assert.equal((await fetch(new URL("healthz", endpoints[0]!.url))).status, 200);
    } finally {
      child.kill("SIGINT");
      await new Promise((resolve) => child.on("close", resolve));
    }
  });

  it("refuses a port that is not one, and --inspect with --deployed (exit 2, the fix)", async () => {
    const port = await runCli(["start", "--inspect=abc"], { root });
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--inspect must be a port number 0-65535 \(--inspect alone: 9229; 0 = any free port\), got 'abc'/);
    const deployed = await runCli(["start", "--deployed", "--inspect"], { root });
    assert.equal(deployed.code, 2);
    assert.match(deployed.stderr, /--inspect debugs the build of the working tree: it does not go with --deployed\. Fix:/);
  });
});
