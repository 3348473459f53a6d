/**
 * The commercial AWS regions (partition `aws`) a stage may deploy to.
 * Kept here rather than read from @pulumi/aws so `fleet check` validates without loading the AWS SDK.
 * GovCloud and China are left out on purpose: their ARNs use another partition than `arn:aws:`.
 */
export const awsRegions = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
  "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
  "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
  "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
  "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
] as const;

export type AwsRegion = (typeof awsRegions)[number];

export function isAwsRegion(value: string): value is AwsRegion {
  return (awsRegions as readonly string[]).includes(value);
}
