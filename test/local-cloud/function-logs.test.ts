import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FunctionLogReader, functionLogFile } from "../../local-cloud/function-logs";
import { LambdaWorker, logFileBytes } from "../../emulator/worker/lambda-worker";

/** The local cloud's function logs: what the workers append and how `fleet logs --local` reads it. */
describe("local cloud function logs", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-function-logs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps one file per stack and account x region, and refuses a key or stack that would leave it", () => {
    assert.equal(functionLogFile(dir, "dev", "111111111111/us-east-1"), path.join(dir, "logs", "dev", "111111111111-us-east-1.log"));
    assert.throws(() => functionLogFile(dir, "dev", "../../x/us-east-1"), /is not an <account>\/<region> key/);
    assert.throws(() => functionLogFile(dir, "../dev", "111111111111/us-east-1"));
  });

  it("a worker appends every line its function writes, with its time, as one JSON line each", async () => {
    const bundle = path.join(dir, "index.js");
    await writeFile(bundle, `console.log("loaded"); exports.handler = async () => { process.stdout.write("a\\nb\\n"); console.error("c"); return 1; };`);
    const logFile = path.join(dir, "logs", "dev", "x.log");
    const before = Date.now();
    const worker = await LambdaWorker.start({ bundleFile: bundle, env: {}, logFile }, { fd: (await import("node:fs")).openSync("/dev/null", "w"), prefix: "" });
    await worker.invoke({}, { awsRequestId: "r", functionName: "f", functionVersion: "1", invokedFunctionArn: "a", memoryLimitInMB: "128", logGroupName: "g", logStreamName: "s", deadline: Date.now() + 5000 });
    await worker.terminate();
    const records = (await readFile(logFile, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as { timestamp: number; message: string });
    assert.deepEqual(records.map((r) => r.message), ["loaded", "a", "b", "c"]);
    assert.ok(records.every((r) => r.timestamp >= before && r.timestamp <= Date.now()));
  });

  it("a worker moves a log past its size bound to <file>.1 and starts a new one", async () => {
    const bundle = path.join(dir, "index.js");
    await writeFile(bundle, `console.log("fresh"); exports.handler = async () => 1;`);
    const logFile = path.join(dir, "big.log");
    await writeFile(logFile, Buffer.alloc(logFileBytes + 1, "x"));
    const worker = await LambdaWorker.start({ bundleFile: bundle, env: {}, logFile }, { fd: (await import("node:fs")).openSync("/dev/null", "w"), prefix: "" });
    await worker.terminate();
    assert.equal((await stat(`${logFile}.1`)).size, logFileBytes + 1);
    assert.equal(JSON.parse(await readFile(logFile, "utf8")).message, "fresh");
  });

  it("reads whole lines only, from where it stopped; a line still being written waits; a moved-aside file is read from its start", async () => {
    const file = path.join(dir, "r.log");
    const reader = new FunctionLogReader(file);
    assert.deepEqual(await reader.read(), []);
    await writeFile(file, `${JSON.stringify({ timestamp: 1, message: "one" })}\n{"timestamp":2,`);
    assert.deepEqual(await reader.read(), [{ timestamp: 1, message: "one" }]);
    await appendFile(file, `"message":"two"}\nnot json\n`);
    assert.deepEqual(await reader.read(), [{ timestamp: 2, message: "two" }]);
    assert.equal(reader.skipped, 1);
    assert.deepEqual(await reader.read(), []);
    await writeFile(file, `${JSON.stringify({ timestamp: 3, message: "new file" })}\n`);
    assert.deepEqual(await reader.read(), [{ timestamp: 3, message: "new file" }]);
  });
});
