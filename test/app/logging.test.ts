import { Logger } from "@aws-lambda-powertools/logger";
import assert from "node:assert/strict";
import request from "supertest";
import { createApp } from "../../app";
import { redactHeaders } from "../../app/middleware/logging";
import { captureLogs, fakeLambdaState, testConfig, withLambdaState } from "./support";

describe("request logging", () => {
  it("writes one JSON line per request with the request's fields, credentials redacted", async () => {
    const logger = new Logger({ serviceName: "fleet", logLevel: "INFO" });
    const app = withLambdaState(createApp({ config: testConfig, logger }).callback(), fakeLambdaState());
    const { result: res, lines } = await captureLogs(() =>
      request(app)
        .get("/v1/greetings/Ada?lang=de")
        .set("authorization", "Bearer top-secret-token")
        .set("cookie", "session=very-secret-session")
        .set("user-agent", "fleet-test/1.0"),
    );
    assert.equal(res.status, 200);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    const line = lines[0]!;
    assert.equal(line.level, "INFO");
    assert.equal(line.message, "request");
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/v1/greetings/Ada");
    assert.equal(line.status, 200);
    assert.equal(typeof line.latencyMs, "number");
    assert.ok((line.latencyMs as number) >= 0);
    assert.equal(line.requestId, "apigw-request-id-123");
    assert.equal(line.stage, "dev");
    assert.equal(line.region, "eu-west-1");
    assert.equal(line.release, testConfig.release);
    assert.equal(line.userAgent, "fleet-test/1.0");
    const headers = line.headers as Record<string, string>;
    assert.equal(headers.authorization, "[REDACTED]");
    assert.equal(headers.cookie, "[REDACTED]");
    assert.equal(headers["user-agent"], "fleet-test/1.0");
    assert.doesNotMatch(JSON.stringify(lines), /top-secret-token|very-secret-session/);
  });

  it("logs the status of errors: 404, 405 and validation 400", async () => {
    const logger = new Logger({ serviceName: "fleet", logLevel: "INFO" });
    const app = createApp({ config: testConfig, logger }).callback();
    const { lines } = await captureLogs(async () => {
      await request(app).get("/nowhere");
      await request(app).delete("/health");
      await request(app).get("/v1/greetings/Ada?lang=xx");
    });
    assert.deepEqual(lines.map((l) => [l.method, l.path, l.status]), [
      ["GET", "/nowhere", 404],
      ["DELETE", "/health", 405],
      ["GET", "/v1/greetings/Ada", 400],
    ]);
  });

  it("builds its default logger at FLEET_LOG_LEVEL: warn drops the info request line", async () => {
    const quiet = createApp({ config: { ...testConfig, logLevel: "warn" } }).callback();
    const loud = createApp({ config: { ...testConfig, logLevel: "info" } }).callback();
    const { lines: quietLines } = await captureLogs(() => request(quiet).get("/health"));
    const { lines: loudLines } = await captureLogs(() => request(loud).get("/health"));
    assert.deepEqual(quietLines, []);
    assert.equal(loudLines.length, 1);
    assert.equal(loudLines[0]!.service, "fleet");
  });
});

describe("redactHeaders", () => {
  it("replaces credential headers whatever their case and keeps the rest", () => {
    assert.deepEqual(
      redactHeaders({ Authorization: "x", cookie: "y", "x-api-key": "k", accept: "*/*" } as Record<string, string>),
      { Authorization: "[REDACTED]", cookie: "[REDACTED]", "x-api-key": "[REDACTED]", accept: "*/*" },
    );
  });
});
