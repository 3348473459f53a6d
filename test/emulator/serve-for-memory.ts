/**
 * The emulator alone in a process, for test/emulator/memory-bound.test.ts: one REST and one HTTP API endpoint in
 * front of the echo handler. Prints `{ "rest": url, "http": url }` as one line on stdout, then serves until stdin
 * closes (the test ends it that way, or by killing it).
 */
import { startEmulator } from "../../emulator";
import { echoHandlerSource, handlerDir } from "./handlers";

async function main(): Promise<void> {
  const handlers = handlerDir();
  const bundleFile = handlers.write("echo.js", echoHandlerSource);
  const common = { account: "111111111111", region: "eu-west-1", port: 0, stage: "dev", bundleFile, env: {} };
  const emulator = await startEmulator({ endpoints: [{ ...common, key: "rest", api: "rest" }, { ...common, key: "http", api: "http" }], log: () => undefined });
  process.stdout.write(`${JSON.stringify({ rest: emulator.endpoints[0]!.url, http: emulator.endpoints[1]!.url })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => {
    void emulator.close().finally(() => {
      handlers.cleanup();
      process.exit(0);
    });
  });
}

void main();
