import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ApiMetrics } from "./api-types";

/** Inputs of one region's alarm set. */
export interface RegionalAlarmsArgs {
  /** Function whose `live` alias is watched. */
  functionName: pulumi.Input<string>;
  /** The API's metric names and dimensions (they differ between REST and HTTP APIs). */
  api: ApiMetrics;
  /** Email subscribed to the topic; unset = topic only (subscribe later). */
  email?: string;
  /** p99 API latency threshold in ms. */
  p99LatencyMs: number;
  /** Share (0..1) of 5xx answers that fires the 5xx alarm. */
  errorRate: number;
}

/** Four alarms (5xx rate, function errors, throttles, p99 latency) to one SNS topic per region. */
export class RegionalAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: RegionalAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RegionalAlarms", name, {}, opts);
    this.topic = new aws.sns.Topic(`${name}-topic`, {}, { parent: this });
    if (args.email) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: "email", endpoint: args.email }, { parent: this });
    }
    const fn = { FunctionName: args.functionName, Resource: pulumi.interpolate`${args.functionName}:live` };
    const alarm = (suffix: string, description: string, metric: Partial<aws.cloudwatch.MetricAlarmArgs>) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${suffix}`,
        {
          alarmDescription: description,
          comparisonOperator: "GreaterThanThreshold",
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          period: 60,
          treatMissingData: "notBreaching",
          alarmActions: [this.topic.arn],
          okActions: [this.topic.arn],
          ...metric,
        },
        { parent: this },
      );
    this.alarms = [
      alarm("5xx-rate", `More than ${args.errorRate * 100}% of requests answered 5xx`, {
        namespace: "AWS/ApiGateway",
        metricName: args.api.serverErrors,
        dimensions: args.api.dimensions,
        statistic: "Average",
        threshold: args.errorRate,
      }),
      alarm("function-errors", "The function threw or timed out", { namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn, statistic: "Sum", threshold: 0 }),
      alarm("throttles", "Invocations were throttled (concurrency exhausted)", { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn, statistic: "Sum", threshold: 0 }),
      alarm("p99-latency", `p99 latency above ${args.p99LatencyMs} ms`, {
        namespace: "AWS/ApiGateway",
        metricName: args.api.latency,
        dimensions: args.api.dimensions,
        extendedStatistic: "p99",
        threshold: args.p99LatencyMs,
      }),
    ];
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
