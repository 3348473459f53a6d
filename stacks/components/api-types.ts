import type * as pulumi from "@pulumi/pulumi";

/** What every API flavour gives the rest of a region: its address, its ARN and its CloudWatch metrics. */
export interface RegionalEndpoint {
  /** API id. */
  apiId: pulumi.Output<string>;
  /** `arn:aws:execute-api:<region>:<account>:<apiId>`: the Lambda permission is scoped below it. */
  executionArn: pulumi.Output<string>;
  /** Base URL ending in `/` (REST: including `/<stage>/`). */
  url: pulumi.Output<string>;
  /** The stage a custom domain maps to. */
  stageName: pulumi.Output<string>;
  /** CloudWatch metrics of the API for alarms. */
  metrics: ApiMetrics;
}

/** API Gateway names its metrics and dimensions differently for REST and HTTP APIs. */
export interface ApiMetrics {
  dimensions: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** `5XXError` (REST) or `5xx` (HTTP): average = share of requests answered 5xx. */
  serverErrors: string;
  /** `Latency` for both. */
  latency: string;
}

/** One JSON line per request in the access log group. */
export const accessLogFormat = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  time: "$context.requestTime",
  method: "$context.httpMethod",
  path: "$context.path",
  status: "$context.status",
  latencyMs: "$context.responseLatency",
  integrationError: "$context.integrationErrorMessage",
});
