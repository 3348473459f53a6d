import type { StageConfig } from "./stage-schema";

/**
 * The alarms of one region, defined once: the stack's CloudWatch MetricAlarms (stacks/components/alarms.ts) are
 * made from these, and the local cloud evaluates the same definitions over the requests it served
 * (local-cloud/region-metrics.ts), with {@link evaluateAlarm} giving both the same M-of-N semantics.
 */

/** What an alarm watches, in fleet's terms; the stack maps each to its CloudWatch namespace, metric and dimensions. */
export type AlarmMetric =
  /** Per request, 1 when the API answered 5xx (API Gateway's `5XXError`/`5xx`): its Average is the 5xx share. */
  | "serverErrors"
  /** Invocations that failed in the function: threw, crashed or timed out (Lambda's `Errors`). */
  | "functionErrors"
  /** Invocations refused for concurrency (Lambda's `Throttles`). */
  | "throttles"
  /** From request to answer, in ms (API Gateway's `Latency`). */
  | "latency";

/** How a period's samples become its one datapoint, as CloudWatch computes the statistic. */
export type AlarmStatistic = "Average" | "Sum" | "p99";

/** One alarm: what it watches and when it fires. */
export interface AlarmDefinition {
  /** Its name in reports and ledger records, and the suffix of its logical name in the stack. */
  name: "5xx-rate" | "function-errors" | "throttles" | "p99-latency";
  description: string;
  metric: AlarmMetric;
  statistic: AlarmStatistic;
  /** A datapoint strictly above it breaches (CloudWatch's `GreaterThanThreshold`). */
  threshold: number;
  /** Seconds each datapoint covers. */
  period: number;
  /** How many of the latest periods are looked at (N). */
  evaluationPeriods: number;
  /** How many of them must breach for ALARM (M). */
  datapointsToAlarm: number;
  /** A period with no data counts as not breaching: a quiet region is not an alarming one. */
  treatMissingData: "notBreaching";
}

/** The four alarms every region gets, from the stage's `fleet:alarms`. */
export function alarmDefinitions(alarms: StageConfig["alarms"]): AlarmDefinition[] {
  const window = { period: alarms.period, evaluationPeriods: alarms.evaluationPeriods, datapointsToAlarm: alarms.datapointsToAlarm, treatMissingData: "notBreaching" as const };
  return [
    { name: "5xx-rate", description: `More than ${alarms.errorRate * 100}% of requests answered 5xx`, metric: "serverErrors", statistic: "Average", threshold: alarms.errorRate, ...window },
    { name: "function-errors", description: "The function threw or timed out", metric: "functionErrors", statistic: "Sum", threshold: 0, ...window },
    { name: "throttles", description: "Invocations were throttled (concurrency exhausted)", metric: "throttles", statistic: "Sum", threshold: 0, ...window },
    { name: "p99-latency", description: `p99 latency above ${alarms.p99LatencyMs} ms`, metric: "latency", statistic: "p99", threshold: alarms.p99LatencyMs, ...window },
  ];
}

/** An alarm's state, in CloudWatch's words. */
export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** What one evaluation found. */
export interface AlarmEvaluation {
  name: AlarmDefinition["name"];
  state: AlarmStateValue;
  /** Why, in the form of CloudWatch's StateReason. */
  reason: string;
}

/**
 * Evaluates an alarm over its latest datapoints, oldest first, one per period (`undefined` where a period has no
 * data): ALARM when at least `datapointsToAlarm` of the last `evaluationPeriods` are above the threshold, OK
 * otherwise (missing data does not breach).
 */
export function evaluateAlarm(definition: AlarmDefinition, datapoints: readonly (number | undefined)[]): AlarmEvaluation {
  const window = datapoints.slice(-definition.evaluationPeriods);
  const breaching = window.filter((value) => value !== undefined && value > definition.threshold).length;
  const shown = window.map((value) => (value === undefined ? "-" : String(Math.round(value * 1000) / 1000))).join(", ");
  const state = breaching >= definition.datapointsToAlarm ? "ALARM" : "OK";
  return {
    name: definition.name,
    state,
    reason: `${breaching} of the last ${definition.evaluationPeriods} datapoints [${shown}] ${breaching === 1 ? "was" : "were"} greater than the threshold (${definition.threshold}) (${definition.datapointsToAlarm} needed for ALARM)`,
  };
}
