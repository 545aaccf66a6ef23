import { DescribeProjectsCommand, ListDatasetLabelsCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { useClients } from '../lib/clients.js';
import { datasetTypeOf, projectNameOf } from '../lib/format.js';
import { useAsync } from '../lib/hooks.js';

export interface LabelStat {
  readonly name: string;
  readonly entries: number;
  readonly boxes: number;
}

/** Every label of a dataset with its counts (ListDatasetLabels, all pages). */
async function readLabels(rekognition: RekognitionClient, arn: string, signal: AbortSignal): Promise<LabelStat[]> {
  const all: LabelStat[] = [];
  let token: string | undefined;
  do {
    const out = await rekognition.send(new ListDatasetLabelsCommand({ DatasetArn: arn, MaxResults: 100, NextToken: token }), { abortSignal: signal });
    for (const label of out.DatasetLabelDescriptions ?? []) {
      all.push({ name: label.LabelName ?? '', entries: label.LabelStats?.EntryCount ?? 0, boxes: label.LabelStats?.BoundingBoxCount ?? 0 });
    }
    token = out.NextToken;
  } while (token);
  return all;
}

/** The dataset's labels, read once it is described (`updated` known) and again whenever it changes. */
export function useLabels(arn: string, updated: number | undefined) {
  const { rekognition } = useClients();
  return useAsync(async (signal) => (updated === undefined ? [] : readLabels(rekognition, arn, signal)), [arn, updated]);
}

/**
 * The labels of the project's other dataset (TEST beside TRAIN, or TRAIN beside TEST), for
 * counts side by side; undefined when the project has no other dataset or it cannot be read.
 */
export function useSiblingLabels(arn: string, updated: number | undefined) {
  const { rekognition } = useClients();
  return useAsync(async (signal) => {
    if (updated === undefined) return undefined;
    const out = await rekognition.send(new DescribeProjectsCommand({ ProjectNames: [projectNameOf(arn)] }), { abortSignal: signal });
    const project = out.ProjectDescriptions?.find((p) => (p.Datasets ?? []).some((d) => d.DatasetArn === arn));
    const other = project?.Datasets?.find((d) => d.DatasetArn !== arn && d.Status !== 'CREATE_IN_PROGRESS' && d.Status !== 'CREATE_FAILED');
    if (!other?.DatasetArn) return undefined;
    return { type: datasetTypeOf(other.DatasetArn), arn: other.DatasetArn, labels: await readLabels(rekognition, other.DatasetArn, signal) };
  }, [arn, updated]);
}
