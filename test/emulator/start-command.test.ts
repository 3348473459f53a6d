import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type Server } from "node:net";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";
import { headerValues, send } from "./http-client";

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

/** Spawns `fleet start <args>` without --json and resolves with stdout and stderr once it says it is serving. */
function startCliText(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; ready: Promise<{ stdout: string; stderr: string }>; stderr: () => string } {
  const child = spawn(process.execPath, [bin, "start", ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const ready = new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("Ctrl-C stops")) resolve({ stdout, stderr });
    });
    child.on("exit", (code) => reject(new Error(`fleet start exited with ${code} before serving:\n${stderr}`)));
  });
  return { child, ready, stderr: () => stderr };
}

/** Polls `check` until it holds (a log line takes a moment to be written), failing after `ms`. */
async function eventually(check: () => boolean, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A TCP server holding an ephemeral port on 127.0.0.1, so fleet start finds it taken. */
async function occupyPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe("fleet start (end to end, on the real bundle)", () => {
  let running: { child: ChildProcess } | undefined;
  let occupied: Server | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) running.child.kill("SIGKILL");
    running = undefined;
    await new Promise((resolve) => (occupied ? occupied.close(resolve) : resolve(undefined)));
    occupied = undefined;
  });

  it("has --help examples whose curl URLs are the ones fleet start serves (dev: HTTP API, no stage prefix; --api rest: /dev)", async () => {
    const help = await runCli(["start", "--help"]);
    assert.equal(help.code, 0, help.stderr);
    const examplePaths = [...help.stdout.matchAll(/curl http:\/\/127\.0\.0\.1:3000(\S+)/g)].map((m) => m[1]);
    const served: string[] = [];
    for (const args of [[], ["--api", "rest"]]) {
      const started = startCli(["--port", "0", "--json", "--regions", "us-east-1", ...args]);
      running = started;
      const [endpoint] = (await started.ready).endpoints;
      const url = `${endpoint!.url}health`;
      assert.equal((await send(url)).status, 200, url);
      served.push(new URL(url).pathname);
      started.child.kill("SIGTERM");
      await started.exited;
    }
    assert.deepEqual(examplePaths, served);
  });

  it("answers whoami with the gateway's request id (REST: x-amzn-RequestId UUID; HTTP API: apigw-requestid), never a client header", async () => {
    const formats = { rest: [/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "x-amzn-requestid"], http: [/^[A-Za-z0-9_-]{15}=$/, "apigw-requestid"] } as const;
    for (const [api, [format, header]] of Object.entries(formats)) {
      const started = startCli(["--port", "0", "--json", "--regions", "eu-west-1", "--api", api]);
      running = started;
      const [endpoint] = (await started.ready).endpoints;
      const response = await send(`${endpoint!.url}v1/whoami`, { headers: [["X-Request-Id", "client-chosen"], ["X-Amzn-RequestId", "client-chosen-too"]] });
      const whoami = response.json();
      assert.match(whoami.requestId, format, api);
      assert.deepEqual(headerValues(response, header), [whoami.requestId], api);
      assert.deepEqual(headerValues(response, "x-request-id"), [whoami.requestId], api);
      assert.equal(whoami.path, "/v1/whoami", api);
      assert.equal(whoami.region, "eu-west-1", api);
      started.child.kill("SIGTERM");
      await started.exited;
    }
  });

  it("names the taken port, the region and the --port fix when a port is in use", async () => {
    const { server, port } = await occupyPort();
    occupied = server;
    // Two regions take two consecutive ports: the message must say so.
    const result = await runCli(["start", "--port", String(port), "--regions", "us-east-1,eu-west-1"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`port ${port} \\(for us-east-1\\) is in use`));
    assert.match(result.stderr, /--port <the first of 2 consecutive free ports \(one per region\)>, or --port 0/);
  });

  it("prints one '<region>  <url>' line per endpoint on stdout and the API reference URL on stderr", async () => {
    const started = startCliText(["--port", "0", "--regions", "us-east-1,eu-west-1"]);
    running = started;
    const { stdout, stderr } = await started.ready;
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 2);
    const urls = lines.map((line) => /^(us-east-1|eu-west-1) {2}(http:\/\/127\.0\.0\.1:\d+\/)$/.exec(line)?.[2]);
    assert.ok(urls.every((url) => url !== undefined), stdout);
    const docs = /API reference: (\S+)/.exec(stderr)?.[1];
    assert.equal(docs, `${urls[0]}docs`);
    const page = await send(docs!);
    assert.equal(page.status, 200);
    assert.match(headerValues(page, "content-type")[0] ?? "", /^text\/html/);
    const openapi = await send(`${urls[0]}openapi.json`);
    assert.equal(openapi.status, 200);
  });

  it("prints the endpoints as JSON, answers /health from each region with its own region, stops on SIGTERM", async () => {
    const started = startCli(["--port", "0", "--json", "--regions", "us-east-1,eu-west-1,ap-southeast-2"]);
    running = started;
    const output = await started.ready;
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
    started.child.kill("SIGTERM");
    assert.equal(await started.exited, 0, started.stderr());
  });

  it("serves HTTP API endpoints at the root with --api http", async () => {
    const started = startCli(["--port", "0", "--json", "--api", "http", "--regions", "eu-west-1"]);
    running = started;
    const [endpoint] = (await started.ready).endpoints;
    assert.equal(endpoint!.api, "http");
    assert.match(endpoint!.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal((await send(`${endpoint!.url}health`)).json().region, "eu-west-1");
    started.child.kill("SIGINT");
    assert.equal(await started.exited, 0, started.stderr());
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

  it("prints each request's log line as one short line (time, region, method, path, status, ms); --json keeps the function's JSON", async () => {
    const text = startCliText(["--port", "0", "--regions", "eu-west-1"]);
    running = text;
    const url = /^eu-west-1 {2}(\S+)$/m.exec((await text.ready).stdout)?.[1];
    assert.equal((await send(`${url}health`)).status, 200);
    await eventually(() => /^\d\d:\d\d:\d\d\.\d{3} eu-west-1 GET \/health 200 [\d.]+ ms$/m.test(text.stderr()));
    assert.doesNotMatch(text.stderr(), /"method":"GET"/);
    text.child.kill("SIGINT");

    const json = startCli(["--port", "0", "--json", "--regions", "eu-west-1"]);
    running = json;
    const endpoint = (await json.ready).endpoints[0]!;
    assert.equal((await send(`${endpoint.url}health`)).status, 200);
    await eventually(() => /^\[111111111111\/eu-west-1\] \{.*"method":"GET".*"path":"\/health"/m.test(json.stderr()));
  });

  (Number(process.versions.node.split(".")[0]) === 22 ? it.skip : it)("says once which Node the functions run on when the machine has no Node of their runtime's major", async () => {
    const started = startCliText(["--port", "0", "--regions", "eu-west-1"], { HOME: "/nonexistent", PATH: "/nonexistent", NVM_DIR: "/nonexistent" });
    running = started;
    const { stderr } = await started.ready;
    const notes = stderr.split("\n").filter((line) => line.startsWith("note: Lambda runs these functions on nodejs22.x"));
    assert.equal(notes.length, 1, stderr);
    assert.match(notes[0]!, new RegExp(`this machine has no Node 22 .* so they run here on its Node ${process.versions.node.replace(/\./g, "\\.")}\. Fix: install Node 22`));
  });

  it("runs again under a Node of the functions' major found in nvm's folder, and Ctrl-C reaches it", async () => {
    const home = await mkdtemp(path.join(tmpdir(), "fleet-nvm-"));
    try {
      // A stand-in for an installed Node 22 (this machine has none): it answers 22 when asked, then runs the real node.
      const node = path.join(home, ".nvm", "versions", "node", "v22.99.0", "bin", "node");
      await mkdir(path.dirname(node), { recursive: true });
      await writeFile(node, `#!/bin/sh\nif [ "$1" = "-p" ]; then echo 22.99.0; exit 0; fi\nexec ${JSON.stringify(process.execPath)} "$@"\n`, { mode: 0o755 });
      const started = startCliText(["--port", "0", "--regions", "eu-west-1"], { HOME: home, PATH: "/nonexistent" });
      running = started;
      const { stdout, stderr } = await started.ready;
      assert.match(stderr, new RegExp(`functions run on Node ${process.versions.node.replace(/\./g, "\\.")} \\(${node.replace(/[.\\/]/g, "\\$&")}\\), as nodejs22\\.x in Lambda`));
      assert.doesNotMatch(stderr, /^note: /m);
      const url = /^eu-west-1 {2}(\S+)$/m.exec(stdout)?.[1];
      assert.equal((await send(`${url}health`)).status, 200);
      const exited = new Promise<number | null>((resolve) => started.child.on("exit", (code) => resolve(code)));
      started.child.kill("SIGINT");
      assert.equal(await exited, 0);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
