/**
 * The AWS regions a request's credential scope may name. The region keys every resource and
 * every per-account quota, so accepting any name would let one account multiply its quotas
 * across invented regions; Trove accepts these, plus the operator's `--regions`.
 *
 * The public partitions as the AWS SDKs list them (@aws-sdk/core's partitions, botocore's
 * partitions.json; test/unit/auth/regions.test.ts checks the list against the SDK installed):
 * aws, aws-cn, aws-us-gov and the AWS European Sovereign Cloud (aws-eusc). The isolated
 * partitions (us-iso-*, us-isob-*, ...) are left to `--regions`. Keep it sorted by partition.
 */
export const AWS_REGIONS: readonly string[] = [
  // aws (commercial)
  'af-south-1',
  'ap-east-1', 'ap-east-2',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2',
  'eu-north-1',
  'eu-south-1', 'eu-south-2',
  'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1',
  'me-central-1', 'me-south-1', 'me-west-1',
  'mx-central-1',
  'sa-east-1', 'sa-west-1',
  'us-east-1', 'us-east-2',
  'us-west-1', 'us-west-2',
  // aws-us-gov (GovCloud)
  'us-gov-east-1', 'us-gov-west-1',
  // aws-cn (China)
  'cn-north-1', 'cn-northwest-1',
  // aws-eusc (European Sovereign Cloud)
  'eusc-de-east-1',
];

/** What a region name looks like: it becomes part of ARNs, so `--regions` is held to it too. */
export const REGION_FORMAT = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** The regions a Trove accepts: the AWS ones and the operator's own (`--regions`). */
export function acceptedRegions(extra: readonly string[]): ReadonlySet<string> {
  return new Set([...AWS_REGIONS, ...extra]);
}
