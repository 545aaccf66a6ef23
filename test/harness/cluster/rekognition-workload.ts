import {
  CreateDatasetCommand, CreateProjectCommand, DescribeDatasetCommand, ListDatasetLabelsCommand, UpdateDatasetEntriesCommand,
} from '@aws-sdk/client-rekognition';
import type { DatasetDescription, RekognitionClient } from '@aws-sdk/client-rekognition';
import type pg from 'pg';
import { expect } from 'vitest';
import { allEntries, classificationLine, lines } from '../rekognition.js';
import { eventually } from '../server.js';
import type { Balancer } from './cluster.js';
import type { WorkloadCounts, WorkloadWorker } from './workload.js';

const NEW_PER_ROUND = 1_000;
const REPLACED_PER_ROUND = 300;

/**
 * A Rekognition worker: one project with a TRAIN dataset; each round upserts new images and
 * relabels existing ones with a label unique to the round, so a round's effect is recognisable.
 * The model (source-ref → label) is the serial replay of the accepted rounds.
 */
export function rekognitionWorker(worker: number, balancer: Balancer<RekognitionClient>): WorkloadWorker {
  const model = new Map<string, string>();
  const counts: WorkloadCounts = { sent: 0, accepted: 0, inDoubt: 0 };
  let datasetArn = '';
  let acceptedUpdates = 0;

  const describe = () => balancer.read(async (c) => (await c.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }))).DatasetDescription!);
  /** Waits until the dataset settles; every status read on the way shows a whole revision (`totals`). */
  const settle = (totals: readonly number[]) => eventually<DatasetDescription>(async () => {
    const d = await describe();
    expect(totals).toContain(d.DatasetStats?.TotalEntries ?? 0);
    return d.Status?.endsWith('_IN_PROGRESS') ? undefined : d;
  }, 60_000, `dataset of worker ${worker} to settle`);
  const labelCounts = () => {
    const byLabel = new Map<string, number>();
    for (const label of model.values()) byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
    return byLabel;
  };

  return {
    name: `rekognition worker ${worker}`,
    counts,

    async setup() {
      const project = await balancer.mutate((c) => c.send(new CreateProjectCommand({ ProjectName: `cluster-${worker}` })));
      if (project.kind !== 'answered') throw new Error(`CreateProject: ${String((project as { error: unknown }).error)}`);
      const dataset = await balancer.mutate((c) => c.send(new CreateDatasetCommand({ ProjectArn: project.value.ProjectArn, DatasetType: 'TRAIN' })));
      if (dataset.kind !== 'answered') throw new Error(`CreateDataset: ${String((dataset as { error: unknown }).error)}`);
      datasetArn = dataset.value.DatasetArn!;
      expect((await settle([0])).Status).toBe('CREATE_COMPLETE');
    },

    async round(round) {
      const label = `w${worker}-r${round}`;
      const existing = [...model.keys()];
      const replaced = existing.filter((_, i) => i % Math.max(1, Math.floor(existing.length / REPLACED_PER_ROUND)) === 0).slice(0, REPLACED_PER_ROUND);
      const added = Array.from({ length: NEW_PER_ROUND }, (_, i) => `s3://bucket/w${worker}/r${round}-${String(i).padStart(5, '0')}.jpg`);
      const refs = [...replaced, ...added];
      const before = model.size;
      counts.sent++;
      const outcome = await balancer.mutate((c) => c.send(new UpdateDatasetEntriesCommand({
        DatasetArn: datasetArn, Changes: { GroundTruth: lines(...refs.map((ref) => classificationLine(ref, label))) },
      })));
      let accepted = outcome.kind === 'answered';
      if (outcome.kind === 'refused') throw new Error(`UpdateDatasetEntries refused: ${String(outcome.error)}`);
      const settled = await settle([before, before + added.length]);
      if (outcome.kind === 'in-doubt') {
        // The node died mid-request: the round was applied iff its label exists now (nothing else writes this dataset).
        counts.inDoubt++;
        const { DatasetLabelDescriptions } = await balancer.read((c) => c.send(new ListDatasetLabelsCommand({ DatasetArn: datasetArn, MaxResults: 100 })));
        accepted = (DatasetLabelDescriptions ?? []).some((d) => d.LabelName === label);
      }
      if (accepted) {
        counts.accepted++;
        acceptedUpdates++;
        for (const ref of refs) model.set(ref, label);
        expect(settled.Status).toBe('UPDATE_COMPLETE');
      }
      expect(settled.DatasetStats).toEqual({ TotalEntries: model.size, LabeledEntries: model.size, ErrorEntries: 0, TotalLabels: labelCounts().size });
    },

    async verify(db: pg.Client) {
      // Every page may come from a different node: pagination tokens are valid cluster-wide.
      const entries = await balancer.read((c) => allEntries(c, { DatasetArn: datasetArn, MaxResults: 100 }));
      const found = new Map(entries.map((e) => [String(e['source-ref']), Object.keys(e).find((k) => k.startsWith('w') && !k.endsWith('-metadata'))]));
      expect(found.size).toBe(entries.length);
      expect(found).toEqual(new Map([...model].map(([ref, label]) => [ref, label])));
      const { DatasetLabelDescriptions } = await balancer.read((c) => c.send(new ListDatasetLabelsCommand({ DatasetArn: datasetArn, MaxResults: 100 })));
      expect(new Map(DatasetLabelDescriptions!.map((d) => [d.LabelName!, d.LabelStats!.EntryCount!]))).toEqual(labelCounts());
      // Exactly once: each applied update committed one revision (creation is revision 1).
      const { rows } = await db.query<{ revision: string; status: string }>('SELECT revision::text, status FROM rk_datasets WHERE arn = $1', [datasetArn]);
      expect(rows).toEqual([{ revision: String(1 + acceptedUpdates), status: acceptedUpdates > 0 ? 'UPDATE_COMPLETE' : 'CREATE_COMPLETE' }]);
    },
  };
}
