import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { echoHandlerSource, handlerDir } from "./handlers";
import { send } from "./http-client";

describe("emulator regions (one isolated function per account x region)", () => {
  const handlers = handlerDir();
  let emulator: Emulator;
  let bundleFile: string;

  before(async () => {
    bundleFile = handlers.write("echo.js", echoHandlerSource);
    const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    emulator = await startEmulator({
      endpoints: regions.map((region) => ({
        key: `000000000000/${region}`,
        account: "000000000000",
        region,
        port: 0,
        api: "rest" as const,
        stage: "dev",
        bundleFile,
        env: { FLEET_STAGE: "dev", ONLY_IN: region },
      })),
      log: () => {},
    });
  });
  after(async () => {
    await emulator?.close();
    handlers.cleanup();
  });

  it("answers from each region with its own AWS_REGION and environment, concurrently", async () => {
    const answers = await Promise.all(emulator.endpoints.map((endpoint) => send(`${endpoint.url}health`).then((r) => r.json())));
    assert.deepEqual(
      answers.map((a) => [a.region, a.env.AWS_DEFAULT_REGION, a.env.ONLY_IN, a.event.requestContext.accountId]),
      emulator.endpoints.map((e) => [e.region, e.region, e.region, "000000000000"]),
    );
  });

  it("does not leak the host's environment into the function", async () => {
    process.env.FLEET_EMULATOR_TEST_SECRET = "host-only";
    try {
      const { env } = (await send(`${emulator.endpoints[0]!.url}env`)).json();
      assert.equal(env.FLEET_EMULATOR_TEST_SECRET, undefined);
      assert.equal(env.PATH, undefined);
    } finally {
      delete process.env.FLEET_EMULATOR_TEST_SECRET;
    }
  });

  it("replace() swaps one region's code and env without stopping its server or touching the others", async () => {
    const [first, second] = emulator.endpoints;
    const slow = send(`${first!.url}slow`); // in flight during the swap (300 ms), must still be answered by the old code
    await new Promise((resolve) => setTimeout(resolve, 50));
    const v2 = handlers.write("echo-v2.js", echoHandlerSource);
    await emulator.replace(first!.key, { bundleFile: v2, env: { FLEET_VERSION: "2" } });
    const slowAnswer = await slow;
    assert.equal(slowAnswer.status, 200);
    assert.equal(slowAnswer.json().version, "none");
    const after = (await send(`${first!.url}health`)).json();
    assert.equal(after.version, "2");
    assert.equal(after.region, first!.region);
    assert.equal((await send(`${second!.url}health`)).json().version, "none");
  });

  it("replace() keeps the old code serving when the new bundle fails to load, and says why", async () => {
    const broken = handlers.write("broken.js", "throw new Error('bad config: FLEET_LOG_LEVEL');");
    const key = emulator.endpoints[1]!.key;
    await assert.rejects(emulator.replace(key, { bundleFile: broken, env: {} }), /failed to load: bad config: FLEET_LOG_LEVEL/);
    assert.equal((await send(`${emulator.endpoints[1]!.url}health`)).status, 200);
  });

  it("replace() names the known endpoints when the key is unknown", async () => {
    await assert.rejects(emulator.replace("nope", { bundleFile, env: {} }), /no endpoint 'nope'.*000000000000\/us-east-1/);
  });

  it("refuses to start when the bundle exits while loading", async () => {
    const exits = handlers.write("exits.js", "process.exit(3);");
    await assert.rejects(
      startEmulator({ endpoints: [{ key: "1/eu-west-1", account: "1", region: "eu-west-1", port: 0, api: "rest", stage: "dev", bundleFile: exits, env: {} }], log: () => {} }),
      /1\/eu-west-1: .*exited with code 3 while loading/,
    );
  });

  it("refuses to start when a bundle does not export handler, naming the endpoint", async () => {
    const noHandler = handlers.write("no-handler.js", "exports.other = () => 1;");
    await assert.rejects(
      startEmulator({ endpoints: [{ key: "1/us-east-1", account: "1", region: "us-east-1", port: 0, api: "http", stage: "dev", bundleFile: noHandler, env: {} }], log: () => {} }),
      /1\/us-east-1: .*does not export a function named 'handler'/,
    );
  });
});
