import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { boundaryArn, logGroupName, rolePath } from "../../core/naming";
import { accessLogFormat, type RegionalEndpoint } from "./api-types";
import { snapshotHash } from "./snapshot-hash";

/** Inputs of a REST API in front of the function. */
export interface RestApiArgs {
  /** Stage name of the API (the Pulumi stage): URLs are `https://<id>.execute-api.<region>.amazonaws.com/<stage>/`. */
  stage: string;
  /** The API's account: the CloudWatch role carries that account's fleet permissions boundary. */
  account: string;
  /** The API's region (its URL and role name carry it). */
  region: string;
  /** Invoke ARN of the `live` alias. */
  aliasInvokeArn: pulumi.Input<string>;
  /** Stage-wide throttling: steady requests per second and burst. */
  throttle: { rate: number; burst: number };
  /** X-Ray tracing on the stage. */
  tracing: boolean;
  /** Retention of the access log group, in days. */
  logRetentionDays: number;
}

/**
 * A regional REST API proxying everything (`ANY /`, `ANY /{proxy+}`) to the function's `live` alias.
 *
 * Plain @pulumi/aws rather than awsx.classic.apigateway.API: awsx's API builds a swagger document and recreates
 * the deployment on change, which is one `triggers` hash here, but its Lambda routes target a Function (not an
 * alias) and add their own permissions; an alias needs raw `aws_proxy` routes, where awsx then adds nothing we
 * need, while access logs, `binaryMediaTypes`, the account's CloudWatch role and the stage's throttling are
 * clearer as the resources themselves. The explicit per-region provider flows to every child either way.
 */
export class RestApi extends pulumi.ComponentResource implements RegionalEndpoint {
  readonly apiId: pulumi.Output<string>;
  readonly executionArn: pulumi.Output<string>;
  readonly url: pulumi.Output<string>;
  readonly stageName: pulumi.Output<string>;
  readonly metrics: RegionalEndpoint["metrics"];

  constructor(name: string, args: RestApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RestApi", name, {}, opts);
    // The deployment is a snapshot of these resources: their inputs, exactly as passed, make its trigger.
    const snapshot: pulumi.Input<object>[] = [];
    const inSnapshot = <T extends object>(inputs: T): T => {
      snapshot.push(inputs);
      return inputs;
    };
    const api = new aws.apigateway.RestApi(
      `${name}-api`,
      inSnapshot({
        description: `fleet ${args.stage} (${args.region})`,
        // Every content type reaches the app as base64, so binary bodies survive the proxy.
        binaryMediaTypes: ["*/*"],
        endpointConfiguration: { types: "REGIONAL" },
      }),
      { parent: this },
    );
    const proxy = new aws.apigateway.Resource(`${name}-proxy`, inSnapshot({ restApi: api.id, parentId: api.rootResourceId, pathPart: "{proxy+}" }), { parent: this });
    const integrations = [api.rootResourceId, proxy.id].map((resourceId, index) => {
      const route = `${name}-${index === 0 ? "root" : "proxy"}`;
      const method = new aws.apigateway.Method(`${route}-any`, inSnapshot({ restApi: api.id, resourceId, httpMethod: "ANY", authorization: "NONE" }), { parent: this });
      return new aws.apigateway.Integration(
        `${route}-integration`,
        inSnapshot({ restApi: api.id, resourceId, httpMethod: method.httpMethod, type: "AWS_PROXY", integrationHttpMethod: "POST", uri: args.aliasInvokeArn }),
        { parent: this },
      );
    });
    const deployment = new aws.apigateway.Deployment(
      `${name}-deployment`,
      {
        restApi: api.id,
        // A deployment is a snapshot: any change to the inputs of the API, its resources, methods or integrations
        // gives a new hash, which replaces it, so the stage never keeps serving the old snapshot.
        triggers: { redeployment: pulumi.output(snapshot).apply(snapshotHash) },
      },
      { parent: this, dependsOn: integrations },
    );
    const stage = createStage(this, name, args, api, deployment);
    this.apiId = api.id;
    this.executionArn = api.executionArn;
    this.stageName = stage.stageName;
    this.url = pulumi.interpolate`https://${api.id}.execute-api.${args.region}.amazonaws.com/${stage.stageName}/`;
    this.metrics = { dimensions: { ApiName: api.name, Stage: stage.stageName }, serverErrors: "5XXError", latency: "Latency" };
    this.registerOutputs({ apiId: this.apiId, url: this.url });
  }
}

function createStage(parent: pulumi.Resource, name: string, args: RestApiArgs, api: aws.apigateway.RestApi, deployment: aws.apigateway.Deployment): aws.apigateway.Stage {
  const accessLogs = new aws.cloudwatch.LogGroup(`${name}-access-logs`, { name: logGroupName(args.stage, "api-access"), retentionInDays: args.logRetentionDays }, { parent });
  // REST access logs need the region's API Gateway account setting to name a role that may write to CloudWatch.
  // The setting is one per account and region, shared by every REST stage there: destroying this stage keeps the
  // role, its policy and the setting (README "Destroy"), or the setting would name a deleted role and the other
  // stages' access logs would stop.
  const shared = { parent, retainOnDelete: true };
  const cloudwatchRole = new aws.iam.Role(
    `${name}-apigw-logs-role`,
    {
      namePrefix: `fleet-${args.stage}-apigw-${args.region}-`.slice(0, 38),
      path: rolePath,
      permissionsBoundary: boundaryArn(args.account),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    },
    shared,
  );
  // An attachment of its own, not the role's `managedPolicyArns` (deprecated in @pulumi/aws v7: a warning on every preview).
  const pushToLogs = new aws.iam.RolePolicyAttachment(
    `${name}-apigw-logs-policy`,
    { role: cloudwatchRole.name, policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs" },
    shared,
  );
  // API Gateway checks the role's permissions when the setting is saved: only once the policy is attached.
  const account = new aws.apigateway.Account(`${name}-apigw-account`, { cloudwatchRoleArn: cloudwatchRole.arn }, { ...shared, dependsOn: [pushToLogs] });
  const stage = new aws.apigateway.Stage(
    `${name}-stage`,
    {
      restApi: api.id,
      deployment: deployment.id,
      stageName: args.stage,
      xrayTracingEnabled: args.tracing,
      accessLogSettings: { destinationArn: accessLogs.arn, format: accessLogFormat },
    },
    { parent, dependsOn: [account] },
  );
  new aws.apigateway.MethodSettings(
    `${name}-throttle`,
    {
      restApi: api.id,
      stageName: stage.stageName,
      methodPath: "*/*",
      settings: { throttlingRateLimit: args.throttle.rate, throttlingBurstLimit: args.throttle.burst, metricsEnabled: true },
    },
    { parent },
  );
  return stage;
}
