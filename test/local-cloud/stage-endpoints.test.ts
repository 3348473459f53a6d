import assert from "node:assert/strict";
import { defaultStage, stageEndpoints } from "../../local-cloud/stage-endpoints";

describe("stageEndpoints (which endpoints fleet start serves)", () => {
  const stage = {
    targets: [
      { account: "111111111111", regions: ["us-east-1", "eu-west-1"] },
      { account: "222222222222", regions: ["ap-southeast-2"] },
    ],
    api: "http" as const,
    timeout: 10,
    memory: 512,
    env: { FEATURE_X: "on" },
    logLevel: "debug",
  };

  it("serves every account x region of the stage on consecutive ports with the stage's settings", () => {
    const endpoints = stageEndpoints(stage, { stack: "qa", bundleFile: "/b/index.js", port: 4000 });
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

  it("gives every endpoint an ephemeral port with --port 0 and lets --api override the stage", () => {
    const endpoints = stageEndpoints(stage, { stack: "qa", bundleFile: "/b/index.js", port: 0, api: "rest" });
    assert.deepEqual(endpoints.map((e) => [e.port, e.api]), [[0, "rest"], [0, "rest"], [0, "rest"]]);
  });

  it("serves --regions under --account, and asks for --account when the stage has several", () => {
    const chosen = stageEndpoints(stage, { stack: "qa", bundleFile: "/b", port: 0, regions: ["sa-east-1"], account: "222222222222" });
    assert.deepEqual(chosen.map((e) => e.key), ["222222222222/sa-east-1"]);
    assert.throws(() => stageEndpoints(stage, { stack: "qa", bundleFile: "/b", port: 0, regions: ["sa-east-1"] }), /stack qa has 2 accounts.*--account/);
  });

  it("passes the stage's CORS origins to HTTP API endpoints only (a REST proxy leaves OPTIONS to the app)", () => {
    const withCors = { ...stage, cors: { origins: ["http://localhost:5173"] } };
    const http = stageEndpoints(withCors, { stack: "qa", bundleFile: "/b", port: 0 });
    assert.deepEqual(http.map((e) => e.corsOrigins), [["http://localhost:5173"], ["http://localhost:5173"], ["http://localhost:5173"]]);
    const rest = stageEndpoints(withCors, { stack: "qa", bundleFile: "/b", port: 0, api: "rest" });
    assert.deepEqual(rest.map((e) => e.corsOrigins), [undefined, undefined, undefined]);
  });

  it("defaults to two regions of a placeholder account and REST when there is no stage file", () => {
    const endpoints = stageEndpoints(defaultStage, { stack: "dev", bundleFile: "/b", port: 3000 });
    assert.deepEqual(endpoints.map((e) => [e.key, e.port, e.api]), [
      ["000000000000/us-east-1", 3000, "rest"],
      ["000000000000/eu-west-1", 3001, "rest"],
    ]);
  });
});
