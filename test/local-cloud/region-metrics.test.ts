import assert from "node:assert/strict";
import { alarmDefinitions } from "../../core/alarms";
import { parseStageConfig } from "../../core/stage-schema";
import { evaluateRegion, RegionMetrics } from "../../local-cloud/region-metrics";

const definitions = alarmDefinitions(
  parseStageConfig("test", {
    targets: [{ account: "111111111111", roleArn: "arn:aws:iam::111111111111:role/fleet-deploy", regions: ["us-east-1"] }],
    alarms: { errorRate: 0.05, p99LatencyMs: 500, period: 10, evaluationPeriods: 2, datapointsToAlarm: 1 },
  }).alarms,
);
const stateOf = (evaluations: ReturnType<typeof evaluateRegion>) => Object.fromEntries(evaluations.map((e) => [e.name, e.state]));
const t0 = 1_700_000_000_000; // a multiple of 10 s

describe("the local cloud's per-region metrics (local-cloud/region-metrics.ts)", () => {
  it("puts requests in clock-aligned periods and evaluates the alarms over the latest ones, the current one included", () => {
    const metrics = new RegionMetrics(10, 2);
    for (let i = 0; i < 9; i++) metrics.record({ at: t0 + 1_000 + i, status: i % 3 === 2 ? 500 : 200, durationMs: 20, functionError: false });
    assert.deepEqual(metrics.periods().map((p) => [p.start, p.requests, p.serverErrors]), [[t0, 9, 3]]);
    // 3 of 9 answered 5xx: 33% > 5%, in the period still filling.
    assert.deepEqual(stateOf(evaluateRegion(definitions, metrics.periods(), t0 + 2_000)), { "5xx-rate": "ALARM", "function-errors": "OK", throttles: "OK", "p99-latency": "OK" });
    // Two periods later the bad one has left the window of 2.
    assert.equal(stateOf(evaluateRegion(definitions, metrics.periods(), t0 + 20_000))["5xx-rate"], "OK");
  });

  it("counts function errors and the p99 of durations per period", () => {
    const metrics = new RegionMetrics(10, 2);
    for (let i = 0; i < 100; i++) metrics.record({ at: t0 + i, status: 200, durationMs: i < 98 ? 10 : 900, functionError: false });
    assert.equal(metrics.periods()[0]!.p99, 900, "the 99th of 100 durations (nearest rank)");
    metrics.record({ at: t0 + 10_500, status: 502, durationMs: 5, functionError: true });
    const states = stateOf(evaluateRegion(definitions, metrics.periods(), t0 + 11_000));
    assert.deepEqual(states, { "5xx-rate": "ALARM", "function-errors": "ALARM", throttles: "OK", "p99-latency": "ALARM" });
  });

  it("keeps only the periods the alarms look at", () => {
    const metrics = new RegionMetrics(10, 2);
    for (const offset of [0, 10_000, 20_000, 30_000]) metrics.record({ at: t0 + offset, status: 200, durationMs: 1, functionError: false });
    assert.deepEqual(metrics.periods().map((p) => p.start), [t0 + 20_000, t0 + 30_000]);
  });
});
