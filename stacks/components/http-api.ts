import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { logGroupName } from "../../core/naming";
import { accessLogFormat, type RegionalEndpoint } from "./api-types";

/** Inputs of an HTTP API in front of the function. */
export interface HttpApiArgs {
  /** Pulumi stage name (descriptions and the access log group's name). */
  stage: string;
  /** The API's region (its URL carries it). */
  region: string;
  /** ARN of the `live` alias. */
  aliasArn: pulumi.Input<string>;
  /** `$default` stage throttling: steady requests per second and burst. */
  throttle: { rate: number; burst: number };
  /** Retention of the access log group, in days. */
  logRetentionDays: number;
  /** Allowed browser origins; unset = no CORS handling by API Gateway. */
  corsOrigins?: string[];
}

/**
 * A regional HTTP API: the `$default` route, payload format 2.0, to the `live` alias, on the auto-deployed
 * `$default` stage. awsx has no HTTP API component; these four resources are the whole of it.
 */
export class HttpApi extends pulumi.ComponentResource implements RegionalEndpoint {
  readonly apiId: pulumi.Output<string>;
  readonly executionArn: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly stageName: pulumi.Output<string>;
  readonly metrics: RegionalEndpoint["metrics"];

  constructor(name: string, args: HttpApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:HttpApi", name, {}, opts);
    const api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        protocolType: "HTTP",
        description: `fleet ${args.stage} (${args.region})`,
        corsConfiguration: args.corsOrigins ? { allowOrigins: args.corsOrigins, allowMethods: ["*"], allowHeaders: ["*"], maxAge: 600 } : undefined,
      },
      { parent: this },
    );
    const integration = new aws.apigatewayv2.Integration(
      `${name}-integration`,
      { apiId: api.id, integrationType: "AWS_PROXY", integrationMethod: "POST", integrationUri: args.aliasArn, payloadFormatVersion: "2.0" },
      { parent: this },
    );
    new aws.apigatewayv2.Route(`${name}-default-route`, { apiId: api.id, routeKey: "$default", target: pulumi.interpolate`integrations/${integration.id}` }, { parent: this });
    const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { name: logGroupName(args.stage, "api-access"), retentionInDays: args.logRetentionDays }, { parent: this });
    const stage = new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        defaultRouteSettings: { throttlingRateLimit: args.throttle.rate, throttlingBurstLimit: args.throttle.burst, detailedMetricsEnabled: true },
        accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat },
      },
      { parent: this },
    );
    this.apiId = api.id;
    this.executionArn = api.executionArn;
    this.stageName = stage.name;
    this.url = pulumi.interpolate`https://${api.id}.execute-api.${args.region}.amazonaws.com/`;
    this.metrics = { dimensions: { ApiId: api.id, Stage: "$default" }, serverErrors: "5xx", latency: "Latency" };
    this.registerOutputs({ apiId: this.apiId, url: this.url });
  }
}
