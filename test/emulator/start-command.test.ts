import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { runCli } from "../helpers/run-cli";
import { send } from "./http-client";

const bin = path.resolve(__dirname, "../../cli/bin.js");

interface StartOutput {
  stack: string;
  endpoints: Array<{ key: string; account: string; region: string; url: string; api: string }>;
}

/** Spawns `fleet start <args>` and resolves with its first stdout line (the --json report) parsed. */
function startCli(args: string[]): { child: ChildProcess; ready: Promise<StartOutput>; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [bin, "start", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<StartOutput>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline !== -1) resolve(JSON.parse(stdout.slice(0, newline)) as StartOutput);
    });
    void exited.then((code) => reject(new Error(`fleet start exited with ${code} before listening:\n${stderr}`)));
  });
  return { child, ready, exited, stderr: () => stderr };
}

describe("fleet start (end to end, on the real bundle)", () => {
  let running: ReturnType<typeof startCli> | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill("SIGKILL");
    running = undefined;
  });

  it("prints the endpoints as JSON, answers /health from each region with its own region, stops on SIGTERM", async () => {
    running = startCli(["--port", "0", "--json", "--regions", "us-east-1,eu-west-1,ap-southeast-2"]);
    const output = await running.ready;
    assert.equal(output.stack, "dev");
    assert.deepEqual(output.endpoints.map((e) => e.region), ["us-east-1", "eu-west-1", "ap-southeast-2"]);
    for (const endpoint of output.endpoints) {
      assert.equal(endpoint.key, `${endpoint.account}/${endpoint.region}`);
      const response = await send(`${endpoint.url}health`);
      assert.equal(response.status, 200, response.body.toString());
      const health = response.json();
      assert.equal(health.status, "ok");
      assert.equal(health.region, endpoint.region);
      assert.equal(health.stage, "dev");
    }
    running.child.kill("SIGTERM");
    assert.equal(await running.exited, 0, running.stderr());
  });

  it("serves HTTP API endpoints at the root with --api http", async () => {
    running = startCli(["--port", "0", "--json", "--api", "http", "--regions", "eu-west-1"]);
    const [endpoint] = (await running.ready).endpoints;
    assert.equal(endpoint!.api, "http");
    assert.match(endpoint!.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await send(`${endpoint!.url}health`)).json().region, "eu-west-1");
    running.child.kill("SIGINT");
    assert.equal(await running.exited, 0, running.stderr());
  });

  it("rejects bad flags with exit 2 and a message naming the flag", async () => {
    for (const [args, message] of [
      [["--api", "soap"], /--api must be rest or http/],
      [["--regions", "us-east-1,mars-1"], /--regions: mars-1 is not an AWS region/],
      [["--port", "http"], /--port must be a port number/],
      [["--account", "12"], /--account must be a 12-digit/],
    ] as const) {
      const result = await runCli(["start", ...args]);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message);
    }
  });
});
