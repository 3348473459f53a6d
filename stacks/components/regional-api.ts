import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmDefinitions, type AlarmDefinition } from "../../core/alarms";
import type { StageConfig } from "../../core/stage-schema";
import { RegionalAlarms } from "./alarms";
import type { RegionalEndpoint } from "./api-types";
import { FleetFunction } from "./function";
import { HttpApi } from "./http-api";
import { RegionalDomain } from "./regional-domain";
import { RestApi } from "./rest-api";

/** Inputs of the app in one account × region. */
export interface RegionalApiArgs {
  /** Pulumi stage (stack) name. */
  stage: string;
  /** The 12-digit account this copy runs in (Route53 set identifiers and the roles' permissions boundary carry it). */
  account: string;
  /** The region this copy runs in; the `provider` passed in opts must be for the same one. */
  region: string;
  /** The validated stage configuration (sizes, API kind, alarms, domain). */
  config: StageConfig;
  /** The digest of the release this region runs (the function's `release` tag). */
  release: string;
  /** The release zip to run. */
  zipPath: string;
  /** The Lambda environment (each secret value a secret Output of its own). */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The deploy role `pulumi up` runs as in this account (the target's `roleArn`). */
  deployRoleArn: string;
  /** Provider of the hosted zone's account, when `config.domain` is set. */
  dnsProvider?: pulumi.ProviderResource;
  /** The app's health route, which the domain's health check requests; needed with `config.domain`. */
  healthPath?: string;
  /** This region's canary step in flight (its `fleet:traffic` entry); unset = the release alone. */
  traffic?: StageConfig["traffic"][string];
}

/**
 * The whole app in one account × region: function and `live` alias, the API in front of it, the permission
 * letting exactly that API invoke the alias, the alarms and, with a domain, this region's latency record.
 * Pass the region's provider as `provider`: every child inherits it.
 */
export class RegionalApi extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly apiId: pulumi.Output<string>;
  /** Base URL ending in `/` (REST: with the `/<stage>/` prefix). */
  readonly url: pulumi.Output<string>;
  /** The version `live` serves, and the canary version with its weight during a canary step. */
  readonly versions: { version: pulumi.Output<string>; canary?: { version: pulumi.Output<string>; weight: number } };
  /** Each alarm's name in CloudWatch, by its definition's name: what fleet reads while it bakes the region. */
  readonly alarmNames: Record<AlarmDefinition["name"], pulumi.Output<string>>;

  constructor(name: string, args: RegionalApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RegionalApi", name, {}, opts);
    const { config } = args;
    const fn = new FleetFunction(
      `${name}-function`,
      {
        stage: args.stage,
        account: args.account,
        region: args.region,
        release: args.release,
        zipPath: args.zipPath,
        memory: config.memory,
        timeout: config.timeout,
        architecture: config.architecture,
        reservedConcurrency: config.reservedConcurrency,
        provisionedConcurrency: config.provisionedConcurrency,
        logRetentionDays: config.logRetentionDays,
        tracing: config.tracing,
        logLevel: config.logLevel,
        environment: args.environment,
        secrets: Object.keys(config.secrets).length > 0,
        deployRoleArn: args.deployRoleArn,
        ...(args.traffic ? { canary: { stableVersion: args.traffic.stableVersion, weight: args.traffic.canaryWeight } } : {}),
      },
      { parent: this },
    );
    const api = this.createApi(name, args, fn);
    new aws.lambda.Permission(
      `${name}-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: fn.function.name,
        qualifier: fn.alias.name,
        principal: "apigateway.amazonaws.com",
        // Only this API (any stage, method and path of it) may invoke the alias.
        sourceArn: pulumi.interpolate`${api.executionArn}/*`,
      },
      { parent: this },
    );
    const alarms = new RegionalAlarms(
      `${name}-alarms`,
      { functionName: fn.function.name, api: api.metrics, email: config.alarms.email, definitions: alarmDefinitions(config.alarms) },
      { parent: this },
    );
    if (config.domain && args.dnsProvider && args.healthPath) {
      new RegionalDomain(
        `${name}-domain`,
        {
          domainName: config.domain.name,
          hostedZoneId: config.domain.hostedZoneId,
          region: args.region,
          setIdentifier: `${args.account}-${args.region}`,
          apiId: api.apiId,
          stageName: api.stageName,
          healthPath: args.healthPath,
          dnsProvider: args.dnsProvider,
        },
        { parent: this },
      );
    }
    this.functionName = fn.function.name;
    this.apiId = api.apiId;
    this.url = api.url;
    this.versions = { version: fn.liveVersion, ...(fn.canaryVersion ? { canary: fn.canaryVersion } : {}) };
    this.alarmNames = Object.fromEntries(Object.entries(alarms.alarms).map(([key, alarm]) => [key, alarm.name])) as Record<AlarmDefinition["name"], pulumi.Output<string>>;
    this.registerOutputs({ functionName: this.functionName, apiId: this.apiId, url: this.url });
  }

  private createApi(name: string, args: RegionalApiArgs, fn: FleetFunction): RegionalEndpoint {
    const { config } = args;
    if (config.api === "rest") {
      return new RestApi(
        `${name}-rest`,
        { stage: args.stage, account: args.account, region: args.region, aliasInvokeArn: fn.alias.invokeArn, throttle: config.throttle, tracing: config.tracing, logRetentionDays: config.logRetentionDays },
        { parent: this },
      );
    }
    return new HttpApi(
      `${name}-http`,
      { stage: args.stage, region: args.region, aliasArn: fn.alias.arn, throttle: config.throttle, logRetentionDays: config.logRetentionDays, corsOrigins: config.cors?.origins },
      { parent: this },
    );
  }
}
