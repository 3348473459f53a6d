import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Inputs of the global domain's presence in one region. */
export interface RegionalDomainArgs {
  /** The global host name, e.g. api.example.com. */
  domainName: string;
  /** Route53 hosted zone holding `domainName`. */
  hostedZoneId: string;
  /** The region served (latency routing and the certificate's region). */
  region: string;
  /** Route53 set identifier, unique per record: `<account>-<region>`. */
  setIdentifier: string;
  /** The regional API the custom domain maps to, and its stage. */
  apiId: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
  /** Path of the app's health route on the regional API host. */
  healthPath: string;
  /** Provider of the account that owns the hosted zone (Route53 is global; records live with the zone). */
  dnsProvider: pulumi.ProviderResource;
}

/**
 * One region behind the global name: a DNS-validated ACM certificate in this region, a regional custom domain
 * mapped to the API, a health check on `/health` and a latency record with that health check, so the name answers
 * with the nearest healthy region. The v2 custom domain and API mapping serve REST and HTTP APIs alike.
 */
export class RegionalDomain extends pulumi.ComponentResource {
  readonly healthCheck: aws.route53.HealthCheck;
  readonly record: aws.route53.Record;

  constructor(name: string, args: RegionalDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RegionalDomain", name, {}, opts);
    const dns = { parent: this, provider: args.dnsProvider };
    const certificate = new aws.acm.Certificate(`${name}-cert`, { domainName: args.domainName, validationMethod: "DNS" }, { parent: this });
    const option = certificate.domainValidationOptions.apply((options) => {
      const first = options[0];
      if (!first) throw new Error(`ACM returned no DNS validation record for ${args.domainName}`);
      return first;
    });
    // Every region of one account asks for the same validation CNAME: overwrite instead of conflicting, and keep it
    // when this region goes away, since the other regions' certificates renew against that same record.
    const validationRecord = new aws.route53.Record(
      `${name}-cert-validation`,
      { zoneId: args.hostedZoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 300, allowOverwrite: true },
      { ...dns, retainOnDelete: true },
    );
    const validation = new aws.acm.CertificateValidation(`${name}-cert-validated`, { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] }, { parent: this });
    const domain = new aws.apigatewayv2.DomainName(
      `${name}-domain`,
      { domainName: args.domainName, domainNameConfiguration: { certificateArn: validation.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" } },
      { parent: this },
    );
    new aws.apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: args.apiId, domainName: domain.domainName, stage: args.stageName }, { parent: this });
    this.healthCheck = new aws.route53.HealthCheck(
      `${name}-health`,
      {
        type: "HTTPS",
        fqdn: pulumi.interpolate`${args.apiId}.execute-api.${args.region}.amazonaws.com`,
        resourcePath: args.healthPath,
        port: 443,
        failureThreshold: 3,
        requestInterval: 30,
        tags: { Name: `fleet ${args.domainName} ${args.setIdentifier}` },
      },
      dns,
    );
    this.record = new aws.route53.Record(
      `${name}-latency`,
      {
        zoneId: args.hostedZoneId,
        name: args.domainName,
        type: "A",
        setIdentifier: args.setIdentifier,
        latencyRoutingPolicies: [{ region: args.region }],
        healthCheckId: this.healthCheck.id,
        aliases: [
          {
            name: domain.domainNameConfiguration.targetDomainName.apply((target) => target ?? ""),
            zoneId: domain.domainNameConfiguration.hostedZoneId.apply((zone) => zone ?? ""),
            evaluateTargetHealth: true,
          },
        ],
      },
      dns,
    );
    this.registerOutputs({ healthCheckId: this.healthCheck.id });
  }
}
