import { evaluateAlarm, type AlarmDefinition, type AlarmEvaluation } from "../core/alarms";
import type { RequestSample } from "../emulator";

/**
 * The local cloud's CloudWatch: per region, the requests its endpoint really served, in periods aligned to the
 * clock as CloudWatch aligns them, each period reduced to the statistics the alarms read. The newest period counts
 * as soon as it holds a request (as CloudWatch evaluates a datapoint as its samples arrive), so a bake shorter than
 * a period still sees what the region answered.
 */

/** One period of one region: what its datapoints are made of. */
export interface PeriodStats {
  /** Start of the period, ms since the epoch (a multiple of the period). */
  start: number;
  requests: number;
  /** Requests answered 5xx (the gateway's own included). */
  serverErrors: number;
  functionErrors: number;
  /** Always 0 locally: the emulator does not limit concurrency. */
  throttles: number;
  /** p99 of the requests' durations in ms (nearest rank), undefined without requests. */
  p99: number | undefined;
}

/** The datapoint of one period for one alarm, or undefined when the period has no data. */
export function datapointOf(definition: AlarmDefinition, stats: PeriodStats | undefined): number | undefined {
  if (!stats || stats.requests === 0) return undefined;
  switch (definition.metric) {
    case "serverErrors":
      return definition.statistic === "Average" ? stats.serverErrors / stats.requests : stats.serverErrors;
    case "functionErrors":
      return stats.functionErrors;
    case "throttles":
      return stats.throttles;
    case "latency":
      return stats.p99;
  }
}

/**
 * Evaluates every alarm over a region's periods (any order, gaps allowed): the datapoints of the
 * `evaluationPeriods` periods that end with the one holding `now`.
 */
export function evaluateRegion(definitions: readonly AlarmDefinition[], periods: readonly PeriodStats[], now: number): AlarmEvaluation[] {
  return definitions.map((definition) => {
    const size = definition.period * 1000;
    const newest = Math.floor(now / size) * size;
    const byStart = new Map(periods.map((stats) => [stats.start, stats]));
    const datapoints = Array.from({ length: definition.evaluationPeriods }, (_, i) => datapointOf(definition, byStart.get(newest - (definition.evaluationPeriods - 1 - i) * size)));
    return evaluateAlarm(definition, datapoints);
  });
}

interface Bucket {
  requests: number;
  serverErrors: number;
  functionErrors: number;
  durations: number[];
}

/** The served requests of one region, kept for the periods the alarms look at. */
export class RegionMetrics {
  private readonly buckets = new Map<number, Bucket>();

  /**
   * @param periodSeconds the alarms' period
   * @param keepPeriods how many periods to keep (the alarms' evaluationPeriods)
   */
  constructor(
    private readonly periodSeconds: number,
    private readonly keepPeriods: number,
  ) {}

  record(sample: RequestSample): void {
    const size = this.periodSeconds * 1000;
    const start = Math.floor(sample.at / size) * size;
    let bucket = this.buckets.get(start);
    if (!bucket) {
      bucket = { requests: 0, serverErrors: 0, functionErrors: 0, durations: [] };
      this.buckets.set(start, bucket);
      for (const old of this.buckets.keys()) if (old <= start - this.keepPeriods * size) this.buckets.delete(old);
    }
    bucket.requests += 1;
    if (sample.status >= 500) bucket.serverErrors += 1;
    if (sample.functionError) bucket.functionErrors += 1;
    bucket.durations.push(sample.durationMs);
  }

  /** The periods it holds, oldest first. */
  periods(): PeriodStats[] {
    return [...this.buckets]
      .sort(([a], [b]) => a - b)
      .map(([start, bucket]) => ({ start, requests: bucket.requests, serverErrors: bucket.serverErrors, functionErrors: bucket.functionErrors, throttles: 0, p99: percentile(bucket.durations, 99) }));
  }
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}
