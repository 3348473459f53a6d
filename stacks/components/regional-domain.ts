import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Inputs of the global domain's presence in one region. */
export interface RegionalDomainArgs {
  /** The global host name, e.g. api.example.com. */
  domainName: string;
  /** Route53 hosted zone holding `domainName`. */
  hostedZoneId: string;
  /** The region served (latency routing, the certificate's region and the regional host name). */
  region: string;
  /** Route53 set identifier, unique per record: `<account>-<region>`. */
  setIdentifier: string;
  /** The regional API the custom domains map to, and its stage. */
  apiId: pulumi.Input<string>;
  stageName: pulumi.Input<string>;
  /** Path of the app's health route at the root of a custom domain (the mappings have no path key). */
  healthPath: string;
  /** Provider of the account that owns the hosted zone (Route53 is global; records live with the zone). */
  dnsProvider: pulumi.ProviderResource;
}

/** The host name only this region answers, e.g. `us-east-1.api.example.com`: what its health check probes. */
export function regionalHostName(domainName: string, region: string): string {
  return `${region}.${domainName}`;
}

/**
 * One region behind the global name: a DNS-validated ACM certificate in this region for the global name and the
 * regional one (a SAN), a custom domain for each mapped to the API, and a latency record for the global name whose
 * health check requests the regional name over HTTPS (with SNI). The check therefore goes through this region's
 * certificate, custom domain and mapping, as users do: a broken one takes the region out of the answer, where a
 * check on the execute-api host stayed healthy. The v2 custom domain and API mapping serve REST and HTTP APIs alike.
 */
export class RegionalDomain extends pulumi.ComponentResource {
  readonly healthCheck: aws.route53.HealthCheck;
  readonly record: aws.route53.Record;

  constructor(name: string, args: RegionalDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:aws:RegionalDomain", name, {}, opts);
    const dns = { parent: this, provider: args.dnsProvider };
    const regionalName = regionalHostName(args.domainName, args.region);
    const certificate = new aws.acm.Certificate(
      `${name}-cert`,
      { domainName: args.domainName, subjectAlternativeNames: [regionalName], validationMethod: "DNS" },
      { parent: this },
    );
    // Every region of one account asks for the same validation CNAME of the global name: overwrite instead of
    // conflicting, and keep it when this region goes away, since the other regions' certificates renew against it.
    const globalValidation = validationRecord(`${name}-cert-validation`, certificate, args.domainName, args.hostedZoneId, { ...dns, retainOnDelete: true });
    // The regional name's CNAME is this certificate's alone: it goes with the region.
    const regionalValidation = validationRecord(`${name}-cert-validation-regional`, certificate, regionalName, args.hostedZoneId, dns);
    const validation = new aws.acm.CertificateValidation(
      `${name}-cert-validated`,
      { certificateArn: certificate.arn, validationRecordFqdns: [globalValidation.fqdn, regionalValidation.fqdn] },
      { parent: this },
    );
    const global = this.mappedDomain(`${name}`, args.domainName, validation, args);
    const regional = this.mappedDomain(`${name}-regional`, regionalName, validation, args);
    const regionalRecord = aliasRecord(`${name}-regional-record`, regionalName, regional.domain, args, { ...dns, dependsOn: [regional.mapping] });
    this.healthCheck = new aws.route53.HealthCheck(
      `${name}-health`,
      {
        type: "HTTPS",
        fqdn: regionalName,
        enableSni: true,
        resourcePath: args.healthPath,
        port: 443,
        failureThreshold: 3,
        requestInterval: 30,
        tags: { Name: `fleet ${args.domainName} ${args.setIdentifier}` },
      },
      // Checking a name that does not resolve yet would only report the region unhealthy until it does.
      { ...dns, dependsOn: [regionalRecord] },
    );
    // The global name answers with this region only once its mapping exists, and only while the check passes.
    this.record = aliasRecord(`${name}-latency`, args.domainName, global.domain, args, { ...dns, dependsOn: [global.mapping] }, {
      setIdentifier: args.setIdentifier,
      latencyRoutingPolicies: [{ region: args.region }],
      healthCheckId: this.healthCheck.id,
    });
    this.registerOutputs({ healthCheckId: this.healthCheck.id });
  }

  /** A regional custom domain for `hostName` on the validated certificate, mapped to the API's stage. */
  private mappedDomain(name: string, hostName: string, validation: aws.acm.CertificateValidation, args: RegionalDomainArgs) {
    const domain = new aws.apigatewayv2.DomainName(
      `${name}-domain`,
      { domainName: hostName, domainNameConfiguration: { certificateArn: validation.certificateArn, endpointType: "REGIONAL", securityPolicy: "TLS_1_2" } },
      { parent: this },
    );
    const mapping = new aws.apigatewayv2.ApiMapping(`${name}-mapping`, { apiId: args.apiId, domainName: domain.domainName, stage: args.stageName }, { parent: this });
    return { domain, mapping };
  }
}

/** The DNS validation CNAME ACM asks for `domainName` on `certificate`. */
function validationRecord(name: string, certificate: aws.acm.Certificate, domainName: string, zoneId: string, opts: pulumi.CustomResourceOptions): aws.route53.Record {
  const option = certificate.domainValidationOptions.apply((options) => {
    const found = options.find((candidate) => candidate.domainName === domainName);
    if (!found) throw new Error(`ACM returned no DNS validation record for ${domainName}`);
    return found;
  });
  return new aws.route53.Record(
    name,
    { zoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 300, allowOverwrite: true },
    opts,
  );
}

/** An A record aliasing `hostName` to a regional custom domain. */
function aliasRecord(
  name: string,
  hostName: string,
  domain: aws.apigatewayv2.DomainName,
  args: RegionalDomainArgs,
  opts: pulumi.CustomResourceOptions,
  routing: Partial<aws.route53.RecordArgs> = {},
): aws.route53.Record {
  return new aws.route53.Record(
    name,
    {
      zoneId: args.hostedZoneId,
      name: hostName,
      type: "A",
      ...routing,
      aliases: [
        {
          name: domain.domainNameConfiguration.targetDomainName.apply((target) => target ?? ""),
          zoneId: domain.domainNameConfiguration.hostedZoneId.apply((zone) => zone ?? ""),
          evaluateTargetHealth: true,
        },
      ],
    },
    opts,
  );
}
