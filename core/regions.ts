/**
 * The commercial AWS regions (partition `aws`) a stage may deploy to.
 * Kept here rather than read from @pulumi/aws so `fleet check` validates without loading the AWS SDK.
 * Regions of the other partitions (GovCloud, China, ISO, the European Sovereign Cloud) are refused by name: see
 * {@link otherPartitionOf}.
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

/**
 * The partitions fleet does not deploy to, by the region names the AWS SDK's partition table gives them
 * (`regionRegex` in @aws-sdk/core 3.981.1, submodules/client/util-endpoints/lib/aws/partitions.js). Their ARNs
 * (`arn:aws-us-gov:`), endpoints (`amazonaws.com.cn`) and service principals differ from the `aws` partition's,
 * which is all the stacks, the IAM policies and the README's bootstrap speak.
 */
const otherPartitions: ReadonlyArray<readonly [partition: string, regions: RegExp]> = [
  ["aws-cn", /^cn-\w+-\d+$/],
  ["aws-eusc", /^eusc-(de)-\w+-\d+$/],
  ["aws-iso", /^us-iso-\w+-\d+$/],
  ["aws-iso-b", /^us-isob-\w+-\d+$/],
  ["aws-iso-e", /^eu-isoe-\w+-\d+$/],
  ["aws-iso-f", /^us-isof-\w+-\d+$/],
  ["aws-us-gov", /^us-gov-\w+-\d+$/],
];

/** The partition of a region outside `aws` (`us-gov-west-1` → `aws-us-gov`), or undefined. */
export function otherPartitionOf(region: string): string | undefined {
  return otherPartitions.find(([, regions]) => regions.test(region))?.[0];
}

/** Why a region or ARN of another partition is refused, and the fix. */
export function partitionNotSupported(partition: string): string {
  return (
    `partition ${partition} is not supported: fleet deploys to the aws partition only (arn:aws: ARNs, amazonaws.com endpoints and its service principals). ` +
    "Fix: use regions and deploy roles of the aws partition, e.g. us-east-1"
  );
}
