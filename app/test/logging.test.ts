import assert from "node:assert/strict";
import request from "supertest";
import { createApp } from "..";
import { JsonLogger, type LogLevel } from "fleet/middleware";
import { captureLogs, fakeLambdaState, testConfig, withLambdaState } from "./support";

describe("request logging", () => {
  it("writes one JSON line per request with Powertools' keys and the request's fields, credentials left out", async () => {
    const logger = new JsonLogger({ service: "fleet", level: "info" });
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
    assert.equal(line.service, "fleet");
    assert.ok(!Number.isNaN(Date.parse(line.timestamp as string)), `timestamp ${String(line.timestamp)}`);
    assert.equal(line.cold_start, true);
    assert.equal(line.function_request_id, "lambda-invocation-id");
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
    assert.doesNotMatch(JSON.stringify(lines), /top-secret-token|very-secret-session/);
  });

  it("marks only the first request of an app as the cold start", async () => {
    const logger = new JsonLogger({ service: "fleet", level: "info" });
    const app = createApp({ config: testConfig, logger }).callback();
    const { lines } = await captureLogs(async () => {
      await request(app).get("/health");
      await request(app).get("/health");
    });
    assert.deepEqual(lines.map((l) => l.cold_start), [true, false]);
  });

  it("logs the status of errors: 404, 405 and validation 400", async () => {
    const logger = new JsonLogger({ service: "fleet", level: "info" });
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

describe("JsonLogger", () => {
  function collect(level: LogLevel) {
    const written: { line: string; level: string }[] = [];
    const logger = new JsonLogger({ service: "svc", level, write: (line, lineLevel) => written.push({ line, level: lineLevel }) });
    return { logger, written };
  }

  it("writes each entry as one newline-terminated JSON line with Powertools' leading keys", () => {
    const { logger, written } = collect("debug");
    logger.info("hello", { a: 1, nested: { b: "two" } });
    assert.equal(written.length, 1);
    assert.match(written[0]!.line, /^\{[^\n]*\}\n$/);
    const entry = JSON.parse(written[0]!.line) as Record<string, unknown>;
    assert.deepEqual(Object.keys(entry), ["level", "message", "timestamp", "service", "a", "nested"]);
    assert.deepEqual({ ...entry, timestamp: undefined }, { level: "INFO", message: "hello", timestamp: undefined, service: "svc", a: 1, nested: { b: "two" } });
  });

  it("writes entries at its level and above only", () => {
    const { logger, written } = collect("warn");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    assert.deepEqual(written.map((w) => [JSON.parse(w.line).level, w.level]), [["WARN", "warn"], ["ERROR", "error"]]);
    const silent = collect("silent");
    silent.logger.error("e");
    assert.deepEqual(silent.written, []);
  });

  it("writes an Error field as name, message and stack", () => {
    const { logger, written } = collect("info");
    logger.error("failed", { error: new TypeError("bad thing") });
    const entry = JSON.parse(written[0]!.line) as { error: { name: string; message: string; stack: string } };
    assert.equal(entry.error.name, "TypeError");
    assert.equal(entry.error.message, "bad thing");
    assert.match(entry.error.stack, /TypeError: bad thing/);
  });

  it("adds the X-Ray trace id's Root from _X_AMZN_TRACE_ID, as Powertools does", () => {
    const saved = process.env._X_AMZN_TRACE_ID;
    process.env._X_AMZN_TRACE_ID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    try {
      const { logger, written } = collect("info");
      logger.info("traced");
      assert.equal(JSON.parse(written[0]!.line).xray_trace_id, "1-5759e988-bd862e3fe1be46a994272793");
    } finally {
      if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = saved;
    }
  });

  it("follows the trace id and the message from line to line (each invocation has its own trace)", () => {
    const saved = process.env._X_AMZN_TRACE_ID;
    try {
      const { logger, written } = collect("info");
      process.env._X_AMZN_TRACE_ID = "Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa;Sampled=1";
      logger.info("one");
      process.env._X_AMZN_TRACE_ID = "Parent=53995c3f42cd8ad8;Root=1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb";
      logger.info("two");
      delete process.env._X_AMZN_TRACE_ID;
      logger.info("one");
      const lines = written.map(({ line }) => JSON.parse(line) as { message: string; xray_trace_id?: string });
      assert.deepEqual(
        lines.map(({ message, xray_trace_id }) => [message, xray_trace_id]),
        [["one", "1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa"], ["two", "1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb"], ["one", undefined]],
      );
      assert.ok(!("xray_trace_id" in lines[2]!), "a line without a trace header carries no xray_trace_id key");
    } finally {
      if (saved === undefined) delete process.env._X_AMZN_TRACE_ID;
      else process.env._X_AMZN_TRACE_ID = saved;
    }
  });
});
