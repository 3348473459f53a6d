import assert from "node:assert/strict";
import { debugTimeoutMs, stageEndpoints } from "../../local-cloud/stage-endpoints";
import { testStage } from "../helpers/stages";

describe("stageEndpoints (which endpoints fleet start and the local cloud serve)", () => {
  const stage = testStage(
    "qa",
    [
      ["111111111111", ["us-east-1", "eu-west-1"]],
      ["222222222222", ["ap-southeast-2"]],
    ],
    { api: "http", timeout: 10, memory: 512, env: { FEATURE_X: "on" }, logLevel: "debug" },
  );
  const working = () => ({ bundleFile: "/b/index.js", release: "dev" });

  it("serves every account x region of the stage on consecutive ports with the stage's settings", () => {
    const endpoints = stageEndpoints(stage, { port: 4000 }, working);
    assert.deepEqual(
      endpoints.map((e) => [e.key, e.port, e.api, e.stage, e.timeoutMs, e.memoryMB]),
      [
        ["111111111111/us-east-1", 4000, "http", "qa", 10_000, 512],
        ["111111111111/eu-west-1", 4001, "http", "qa", 10_000, 512],
        ["222222222222/ap-southeast-2", 4002, "http", "qa", 10_000, 512],
      ],
    );
    assert.deepEqual(endpoints[0]!.env, { FEATURE_X: "on", FLEET_STAGE: "qa", FLEET_RELEASE: "dev", FLEET_LOG_LEVEL: "debug" });
  });

  it("with inspect: an inspector port per region from the one given (0: any free each), the timeouts lifted to 15 minutes; a log file per region with logDir", () => {
    const endpoints = stageEndpoints(stage, { port: 0, inspect: 9300, logDir: "/l" }, working);
    assert.deepEqual(
      endpoints.map((e) => [e.inspectPort, e.timeoutMs, e.integrationTimeoutMs, e.logFile]),
      [
        [9300, debugTimeoutMs, debugTimeoutMs, "/l/logs/qa/111111111111-us-east-1.log"],
        [9301, debugTimeoutMs, debugTimeoutMs, "/l/logs/qa/111111111111-eu-west-1.log"],
        [9302, debugTimeoutMs, debugTimeoutMs, "/l/logs/qa/222222222222-ap-southeast-2.log"],
      ],
    );
    assert.equal(debugTimeoutMs, 900_000);
    assert.deepEqual(stageEndpoints(stage, { port: 0, inspect: 0 }, working).map((e) => e.inspectPort), [0, 0, 0]);
    const plain = stageEndpoints(stage, { port: 0 }, working)[0]!;
    assert.deepEqual([plain.inspectPort, plain.integrationTimeoutMs, plain.logFile], [undefined, undefined, undefined]);
  });

  it("gives each region its own code and release", () => {
    const endpoints = stageEndpoints(stage, { port: 0 }, (ref) => ({ bundleFile: `/${ref.region}.js`, release: ref.account === "222222222222" ? `sha256:${"a".repeat(64)}` : "dev" }));
    assert.deepEqual(endpoints.map((e) => [e.bundleFile, e.env.FLEET_RELEASE]), [
      ["/us-east-1.js", "dev"],
      ["/eu-west-1.js", "dev"],
      ["/ap-southeast-2.js", `sha256:${"a".repeat(64)}`],
    ]);
  });

  it("gives every endpoint an ephemeral port with --port 0 and lets --api override the stage", () => {
    const endpoints = stageEndpoints(stage, { port: 0, api: "rest" }, working);
    assert.deepEqual(endpoints.map((e) => [e.port, e.api]), [[0, "rest"], [0, "rest"], [0, "rest"]]);
  });

  it("serves --regions under --account, and asks for --account when the stage has several", () => {
    const chosen = stageEndpoints(stage, { port: 0, regions: ["sa-east-1"], account: "222222222222" }, working);
    assert.deepEqual(chosen.map((e) => e.key), ["222222222222/sa-east-1"]);
    assert.throws(() => stageEndpoints(stage, { port: 0, regions: ["sa-east-1"] }, working), /stack qa has 2 accounts.*--account/);
  });

  it("passes the stage's CORS origins to HTTP API endpoints only (a REST proxy leaves OPTIONS to the app)", () => {
    const withCors = testStage("qa", [["111111111111", ["us-east-1"]]], { cors: { origins: ["http://localhost:5173"] } });
    assert.deepEqual(stageEndpoints(withCors, { port: 0 }, working).map((e) => e.corsOrigins), [["http://localhost:5173"]]);
    assert.deepEqual(stageEndpoints(withCors, { port: 0, api: "rest" }, working).map((e) => e.corsOrigins), [undefined]);
  });

  it("takes the API kind from the schema's default when the stage file sets none, as the deployed stage does", () => {
    const plain = testStage("qa", [["111111111111", ["us-east-1"]]]);
    assert.deepEqual(stageEndpoints(plain, { port: 0 }, working).map((e) => e.api), [plain.config.api]);
    assert.equal(plain.config.api, "http");
  });
});
