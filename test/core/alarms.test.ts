import assert from "node:assert/strict";
import { alarmDefinitions, evaluateAlarm } from "../../core/alarms";
import { parseStageConfig } from "../../core/stage-schema";

const alarms = (values: Record<string, unknown> = {}) =>
  parseStageConfig("test", { targets: [{ account: "111111111111", roleArn: "arn:aws:iam::111111111111:role/fleet-deploy", regions: ["us-east-1"] }], alarms: values }).alarms;

describe("the alarm definitions and their evaluator (core/alarms.ts)", () => {
  it("defines the four alarms from fleet:alarms, each with the stage's period and M of N", () => {
    const definitions = alarmDefinitions(alarms({ errorRate: 0.1, p99LatencyMs: 900, period: 10, evaluationPeriods: 3, datapointsToAlarm: 2 }));
    assert.deepEqual(
      definitions.map((d) => [d.name, d.metric, d.statistic, d.threshold, d.period, d.evaluationPeriods, d.datapointsToAlarm, d.treatMissingData]),
      [
        ["5xx-rate", "serverErrors", "Average", 0.1, 10, 3, 2, "notBreaching"],
        ["function-errors", "functionErrors", "Sum", 0, 10, 3, 2, "notBreaching"],
        ["throttles", "throttles", "Sum", 0, 10, 3, 2, "notBreaching"],
        ["p99-latency", "latency", "p99", 900, 10, 3, 2, "notBreaching"],
      ],
    );
  });

  it("fires when at least datapointsToAlarm of the last evaluationPeriods datapoints breach (strictly above the threshold)", () => {
    const [rate] = alarmDefinitions(alarms({ errorRate: 0.05, evaluationPeriods: 3, datapointsToAlarm: 2 }));
    assert.equal(evaluateAlarm(rate!, [0.3, 0.2, 0]).state, "ALARM");
    assert.equal(evaluateAlarm(rate!, [0, 0.3, 0]).state, "OK", "one of three is not two");
    assert.equal(evaluateAlarm(rate!, [0.3, 0.3, 0, 0, 0]).state, "OK", "only the last three count");
    assert.equal(evaluateAlarm(rate!, [0.05, 0.05, 0.05]).state, "OK", "at the threshold is not above it");
    assert.match(evaluateAlarm(rate!, [0.3, 0.25, 0]).reason, /^2 of the last 3 datapoints \[0\.3, 0\.25, 0\] were greater than the threshold \(0\.05\) \(2 needed for ALARM\)$/);
  });

  it("treats a period without data as not breaching", () => {
    const [rate] = alarmDefinitions(alarms({ evaluationPeriods: 3, datapointsToAlarm: 2 }));
    assert.equal(evaluateAlarm(rate!, [undefined, 0.9, undefined]).state, "OK");
    assert.equal(evaluateAlarm(rate!, [undefined, undefined, undefined]).state, "OK");
    assert.match(evaluateAlarm(rate!, [undefined, 0.9, 0.9]).reason, /\[-, 0\.9, 0\.9\]/);
  });
});
