import { createHash } from "node:crypto";

/**
 * Plausible provider outputs for the resource types the program makes, so that ARNs, URLs and DNS names in a
 * plan read like the real ones. Only what the program reads back is modelled; the rest echoes the inputs.
 */
export function mockState(type: string, name: string, inputs: Record<string, any>, account: string, region: string): { id: string; state: Record<string, unknown> } {
  const id = createHash("sha256").update(`${type}::${name}`).digest("hex").slice(0, 10);
  const physical = typeof inputs.name === "string" ? inputs.name : `${typeof inputs.namePrefix === "string" ? inputs.namePrefix : `${name}-`}${id.slice(0, 7)}`;
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  const state: Record<string, unknown> = { ...inputs, name: physical, arn: `arn:aws:${service}:${region}:${account}:${physical}` };
  switch (type) {
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${physical}`;
      Object.assign(state, { arn, invokeArn: invokeArn(region, arn), version: "1", qualifiedArn: `${arn}:1` });
      break;
    }
    case "aws:lambda/alias:Alias": {
      const arn = `arn:aws:lambda:${region}:${account}:function:${inputs.functionName}:${inputs.name}`;
      Object.assign(state, { arn, invokeArn: invokeArn(region, arn) });
      break;
    }
    case "aws:iam/policy:Policy":
      state.arn = `arn:aws:iam::${account}:policy${typeof inputs.path === "string" ? inputs.path : "/"}${physical}`;
      break;
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      state.arn = `arn:aws:iam::${account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
      break;
    case "aws:iam/role:Role":
      state.arn = `arn:aws:iam::${account}:role${typeof inputs.path === "string" ? inputs.path : "/"}${physical}`;
      break;
    case "aws:cloudwatch/logGroup:LogGroup":
      state.arn = `arn:aws:logs:${region}:${account}:log-group:${physical}`;
      break;
    case "aws:kms/key:Key": {
      const keyId = uuidOf(type, name);
      Object.assign(state, { keyId, arn: `arn:aws:kms:${region}:${account}:key/${keyId}` });
      break;
    }
    case "aws:sns/topic:Topic":
      state.arn = `arn:aws:sns:${region}:${account}:${physical}`;
      break;
    case "aws:apigateway/restApi:RestApi":
    case "aws:apigatewayv2/api:Api":
      Object.assign(state, {
        executionArn: `arn:aws:execute-api:${region}:${account}:${id}`,
        rootResourceId: `${id.slice(0, 6)}root`,
        apiEndpoint: `https://${id}.execute-api.${region}.amazonaws.com`,
      });
      break;
    case "aws:apigateway/method:Method":
      state.httpMethod = inputs.httpMethod;
      break;
    case "aws:acm/certificate:Certificate":
      state.arn = `arn:aws:acm:${region}:${account}:certificate/${uuidOf(type, name)}`;
      // One CNAME per name on the certificate (the domain name, then each SAN), as ACM answers.
      state.domainValidationOptions = [inputs.domainName, ...(Array.isArray(inputs.subjectAlternativeNames) ? inputs.subjectAlternativeNames : [])].map((domainName: string) => ({
        domainName,
        resourceRecordName: `_${id}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${id}.acm-validations.aws.`,
      }));
      break;
    case "aws:apigatewayv2/domainName:DomainName":
      state.domainNameConfiguration = { ...inputs.domainNameConfiguration, targetDomainName: `d-${id}.execute-api.${region}.amazonaws.com`, hostedZoneId: "Z2OJLYMUO9EFXC" };
      break;
    case "aws:route53/record:Record":
      state.fqdn = inputs.name;
      break;
  }
  return { id, state };
}

/** KMS keys and ACM certificates are named by UUIDs the service assigns. */
function uuidOf(type: string, name: string): string {
  const hex = createHash("sha256").update(`${type}::${name}::uuid`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function invokeArn(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;
}
