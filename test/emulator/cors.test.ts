import assert from "node:assert/strict";
import { startEmulator, type Emulator } from "../../emulator";
import { handlerDir } from "./handlers";
import { headerValues, send } from "./http-client";

/** Counts its invocations and sets CORS headers of its own, which API Gateway must ignore once CORS is configured. */
const handlerSource = `
let calls = 0;
exports.handler = async () => ({
  statusCode: 200,
  headers: { "content-type": "application/json", "access-control-allow-origin": "https://evil.example", "access-control-allow-credentials": "true" },
  body: JSON.stringify({ calls: ++calls }),
});
`;

const allowed = "http://localhost:5173";

describe("emulator CORS (HTTP API with the stage's fleet:cors, as deployed)", () => {
  const files = handlerDir();
  let emulator: Emulator;
  let withCors: string;
  let withoutCors: string;

  before(async () => {
    const bundleFile = files.write("cors.js", handlerSource);
    const common = { account: "111111111111", region: "eu-west-1", port: 0, api: "http" as const, stage: "dev", bundleFile, env: {} };
    emulator = await startEmulator({
      endpoints: [
        { ...common, key: "cors", corsOrigins: [allowed] },
        { ...common, key: "plain" },
      ],
      log: () => {},
    });
    withCors = emulator.endpoints[0]!.url;
    withoutCors = emulator.endpoints[1]!.url;
  });
  after(async () => {
    await emulator?.close();
    files.cleanup();
  });

  const preflight: Array<[string, string]> = [["Access-Control-Request-Method", "POST"], ["Access-Control-Request-Headers", "content-type"]];

  it("answers an allowed origin's preflight itself with 204 and the configured CORS headers, never invoking the function", async () => {
    const response = await send(`${withCors}v1/echo`, { method: "OPTIONS", headers: [["Origin", allowed], ...preflight] });
    assert.equal(response.status, 204);
    const cors = response.headers.filter(([name]) => name.startsWith("access-control-"));
    assert.deepEqual(cors, [
      ["access-control-allow-origin", allowed],
      ["access-control-allow-methods", "*"],
      ["access-control-allow-headers", "*"],
      ["access-control-max-age", "600"],
    ]);
    assert.equal(response.body.length, 0);
    assert.equal((await send(`${withCors}x`)).json().calls, 1, "the preflight did not reach the function");
  });

  it("answers another origin's preflight with 204 and no CORS headers", async () => {
    const response = await send(`${withCors}v1/echo`, { method: "OPTIONS", headers: [["Origin", "https://other.example"], ...preflight] });
    assert.equal(response.status, 204);
    assert.deepEqual(response.headers.filter(([name]) => name.startsWith("access-control-")), []);
  });

  it("adds allow-origin for an allowed origin and drops the function's own CORS headers", async () => {
    const response = await send(`${withCors}x`, { headers: [["Origin", allowed]] });
    assert.equal(response.status, 200);
    assert.deepEqual(headerValues(response, "access-control-allow-origin"), [allowed]);
    assert.deepEqual(headerValues(response, "access-control-allow-credentials"), []);
    const other = await send(`${withCors}x`, { headers: [["Origin", "https://other.example"]] });
    assert.deepEqual(other.headers.filter(([name]) => name.startsWith("access-control-")), []);
  });

  it("passes everything, OPTIONS and the function's headers included, through an API without CORS", async () => {
    const response = await send(`${withoutCors}x`, { method: "OPTIONS", headers: [["Origin", allowed], ...preflight] });
    assert.equal(response.status, 200);
    assert.deepEqual(headerValues(response, "access-control-allow-origin"), ["https://evil.example"]);
  });
});
