/** AWS commercial regions with their console names, for the region switcher. Trove accepts any region; each keys its own resources. */
export const REGIONS: readonly (readonly [string, string])[] = [
  ['us-east-1', 'US East (N. Virginia)'], ['us-east-2', 'US East (Ohio)'], ['us-west-1', 'US West (N. California)'], ['us-west-2', 'US West (Oregon)'],
  ['ca-central-1', 'Canada (Central)'], ['ca-west-1', 'Canada West (Calgary)'], ['mx-central-1', 'Mexico (Central)'], ['sa-east-1', 'South America (São Paulo)'],
  ['eu-central-1', 'Europe (Frankfurt)'], ['eu-central-2', 'Europe (Zurich)'], ['eu-west-1', 'Europe (Ireland)'], ['eu-west-2', 'Europe (London)'],
  ['eu-west-3', 'Europe (Paris)'], ['eu-south-1', 'Europe (Milan)'], ['eu-south-2', 'Europe (Spain)'], ['eu-north-1', 'Europe (Stockholm)'],
  ['il-central-1', 'Israel (Tel Aviv)'], ['me-south-1', 'Middle East (Bahrain)'], ['me-central-1', 'Middle East (UAE)'], ['af-south-1', 'Africa (Cape Town)'],
  ['ap-east-1', 'Asia Pacific (Hong Kong)'], ['ap-east-2', 'Asia Pacific (Taipei)'], ['ap-south-1', 'Asia Pacific (Mumbai)'], ['ap-south-2', 'Asia Pacific (Hyderabad)'],
  ['ap-southeast-1', 'Asia Pacific (Singapore)'], ['ap-southeast-2', 'Asia Pacific (Sydney)'], ['ap-southeast-3', 'Asia Pacific (Jakarta)'],
  ['ap-southeast-4', 'Asia Pacific (Melbourne)'], ['ap-southeast-5', 'Asia Pacific (Malaysia)'], ['ap-southeast-7', 'Asia Pacific (Thailand)'],
  ['ap-northeast-1', 'Asia Pacific (Tokyo)'], ['ap-northeast-2', 'Asia Pacific (Seoul)'], ['ap-northeast-3', 'Asia Pacific (Osaka)'],
];

/** The regions to offer: the list, plus `current` when it is another one (Trove takes any region name). */
export function regionChoices(current: string): readonly (readonly [string, string])[] {
  return REGIONS.some(([code]) => code === current) ? REGIONS : [[current, current], ...REGIONS];
}
