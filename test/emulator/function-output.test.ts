import assert from "node:assert/strict";
import { closeSync, openSync, readFileSync } from "node:fs";
import path from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { handlerDir } from "./handlers";
import { send } from "./http-client";

/** Logs two lines on stdout (console.log) and one on stderr (a raw write), then answers. */
const loggingHandler = `
exports.handler = async (event) => {
  console.log("first line\\nsecond line");
  process.stderr.write("to stderr\\n");
  return { statusCode: 200, body: "ok" };
};
`;

describe("emulator function output without a log option", () => {
  const handlers = handlerDir();
  let emulator: Emulator | undefined;
  let outputFd: number | undefined;

  after(async () => {
    await emulator?.close();
    if (outputFd !== undefined) closeSync(outputFd);
    handlers.cleanup();
  });

  it("is written by the worker itself to the output descriptor, every line prefixed with the endpoint key", async () => {
    const bundleFile = handlers.write("logging.js", loggingHandler);
    const outputFile = path.join(path.dirname(bundleFile), "function-output.log");
    outputFd = openSync(outputFile, "a");
    emulator = await startEmulator({
      endpoints: [{ key: "000000000000/eu-west-1", account: "000000000000", region: "eu-west-1", port: 0, api: "http", stage: "dev", bundleFile, env: {} }],
      functionOutputFd: outputFd,
    });
    const response = await send(`${emulator.endpoints[0]!.url}anything`);
    assert.equal(response.status, 200);
    assert.deepEqual(readFileSync(outputFile, "utf8").split("\n"), [
      "[000000000000/eu-west-1] first line",
      "[000000000000/eu-west-1] second line",
      "[000000000000/eu-west-1] to stderr",
      "",
    ]);
  });
});
