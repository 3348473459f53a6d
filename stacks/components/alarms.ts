import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmDefinition, AlarmMetric } from "../../core/alarms";
import type { ApiMetrics } from "./api-types";

/** Inputs of one region's alarm set. */
export interface RegionalAlarmsArgs {
  /** Function whose `live` alias is watched. */
  functionName: pulumi.Input<string>;
  /** The API's metric names and dimensions (they differ between REST and HTTP APIs). */
  api: ApiMetrics;
  /** Email subscribed to the topic; unset = topic only (subscribe later). */
  email?: string;
  /** What to watch and when to fire: core/alarms.ts, the definitions the local cloud evaluates too. */
  definitions: AlarmDefinition[];
}

/** One MetricAlarm per definition (5xx rate, function errors, throttles, p99 latency) to one SNS topic per region. */
export class RegionalAlarms extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  /** Each definition's name → its alarm (fleet reads their states while it bakes a region). */
  readonly alarms: Record<AlarmDefinition["name"], aws.cloudwatch.MetricAlarm>;

  constructor(name: string, args: RegionalAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RegionalAlarms", name, {}, opts);
    this.topic = new aws.sns.Topic(`${name}-topic`, {}, { parent: this });
    if (args.email) {
      new aws.sns.TopicSubscription(`${name}-email`, { topic: this.topic.arn, protocol: "email", endpoint: args.email }, { parent: this });
    }
    const fn = { FunctionName: args.functionName, Resource: pulumi.interpolate`${args.functionName}:live` };
    const metrics: Record<AlarmMetric, Pick<aws.cloudwatch.MetricAlarmArgs, "namespace" | "metricName" | "dimensions">> = {
      serverErrors: { namespace: "AWS/ApiGateway", metricName: args.api.serverErrors, dimensions: args.api.dimensions },
      functionErrors: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn },
      throttles: { namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn },
      latency: { namespace: "AWS/ApiGateway", metricName: args.api.latency, dimensions: args.api.dimensions },
    };
    this.alarms = Object.fromEntries(
      args.definitions.map((definition) => [
        definition.name,
        new aws.cloudwatch.MetricAlarm(
          `${name}-${definition.name}`,
          {
            alarmDescription: definition.description,
            comparisonOperator: "GreaterThanThreshold",
            threshold: definition.threshold,
            evaluationPeriods: definition.evaluationPeriods,
            datapointsToAlarm: definition.datapointsToAlarm,
            period: definition.period,
            treatMissingData: definition.treatMissingData,
            // Percentiles are CloudWatch's extended statistics; Average and Sum its plain ones.
            ...(definition.statistic === "p99" ? { extendedStatistic: "p99" } : { statistic: definition.statistic }),
            ...metrics[definition.metric],
            alarmActions: [this.topic.arn],
            okActions: [this.topic.arn],
          },
          { parent: this },
        ),
      ]),
    ) as Record<AlarmDefinition["name"], aws.cloudwatch.MetricAlarm>;
    this.registerOutputs({ topicArn: this.topic.arn });
  }
}
