import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { partition } from '@aws-sdk/core/client';
import { describe, expect, it } from 'vitest';
import { AWS_REGIONS, REGION_FORMAT } from '../../../src/auth/regions.js';

const PUBLIC_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-eusc'];

/** botocore's partitions.json, where python3 with botocore is installed. */
function botocorePartitions(): { partitions: { id: string; regions: Record<string, unknown> }[] } | undefined {
  const probe = spawnSync('python3', ['-c', 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json"))'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  return JSON.parse(readFileSync(probe.stdout.trim(), 'utf8')) as never;
}

const BOTOCORE = botocorePartitions();

describe('the AWS regions Trove accepts', () => {
  it('are regions the installed AWS SDK knows by name, in the public partitions, each once', () => {
    expect(new Set(AWS_REGIONS).size).toBe(AWS_REGIONS.length);
    for (const region of AWS_REGIONS) {
      expect(region).toMatch(REGION_FORMAT);
      const known = partition(region) as { name: string; description?: string };
      expect({ region, known: known.description !== undefined, partition: PUBLIC_PARTITIONS.includes(known.name) }).toEqual({ region, known: true, partition: true });
    }
  });

  it.skipIf(BOTOCORE === undefined)('include every region of botocore\'s public partitions (skipped without python3 and botocore)', () => {
    const regions = BOTOCORE!.partitions
      .filter((p) => PUBLIC_PARTITIONS.includes(p.id))
      .flatMap((p) => Object.keys(p.regions))
      .filter((region) => !region.endsWith('-global'));
    expect(regions.length).toBeGreaterThan(30);
    expect(regions.filter((region) => !AWS_REGIONS.includes(region))).toEqual([]);
  });
});
