import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntrySaver } from '../../../console/src/rekognition/edit/entry-saver.js';
import type { DatasetState, Expectation, SavePhase, SaverPort } from '../../../console/src/rekognition/edit/entry-saver.js';
import { agentCoreDatasetArn, decide, decideAll, decideTrove } from '../../../console/src/lib/permissions.js';

const sha = (line: string) => createHash('sha256').update(line).digest('hex');

/** A dataset that takes one change at a time, like Trove: busy while a change is applied. */
class FakeDataset implements SaverPort {
  statuses: string[] = [];
  status = 'UPDATE_COMPLETE';
  lines = new Map<string, string>();
  calls: string[] = [];
  busyFor = 0;
  refuse?: Error;

  async describe(): Promise<DatasetState> {
    this.statuses.push(this.status);
    if (this.status === 'UPDATE_IN_PROGRESS' && --this.busyFor <= 0) this.status = 'UPDATE_COMPLETE';
    return { status: this.status };
  }
  async updateIfUnchanged(lines: readonly string[], expected: readonly Expectation[]): Promise<void> {
    this.calls.push('conditional');
    if (this.refuse) throw this.refuse;
    if (this.status.endsWith('_IN_PROGRESS')) throw Object.assign(new Error('busy'), { name: 'ConflictException' });
    const conflicts = expected.filter((e) => (e.absent ? this.lines.has(e.sourceRef) : sha(this.lines.get(e.sourceRef) ?? '') !== e.version));
    if (conflicts.length > 0) {
      throw Object.assign(new Error('changed'), {
        name: 'ConditionalCheckFailedException',
        body: { conflicts: conflicts.map((c) => ({ sourceRef: c.sourceRef, current: this.lines.has(c.sourceRef) ? { version: sha(this.lines.get(c.sourceRef)!), line: this.lines.get(c.sourceRef) } : null })) },
      });
    }
    this.apply(lines);
  }
  async update(lines: readonly string[]): Promise<void> {
    this.calls.push('plain');
    this.apply(lines);
  }
  async readBack(sourceRefs: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return new Map(sourceRefs.filter((ref) => this.lines.has(ref)).map((ref) => [ref, `${this.lines.get(ref)!} (listed)`]));
  }
  async sleep(): Promise<void> {}
  apply(lines: readonly string[]): void {
    for (const line of lines) this.lines.set((JSON.parse(line) as { 'source-ref': string })['source-ref'], line);
    this.status = 'UPDATE_IN_PROGRESS';
    this.busyFor = 2;
  }
}

const line = (ref: string, label: string) => JSON.stringify({ 'source-ref': ref, label });

describe('EntrySaver', () => {
  it('waits for the dataset to settle, sends the change with each entry\'s version, follows the update and reads the entries back', async () => {
    const dataset = new FakeDataset();
    dataset.lines.set('s3://b/a.png', line('s3://b/a.png', 'rose'));
    dataset.status = 'UPDATE_IN_PROGRESS';
    dataset.busyFor = 2;
    const phases: SavePhase[] = [];
    const saver = new EntrySaver(dataset, { conditional: true });
    const result = await saver.save([
      { sourceRef: 's3://b/a.png', line: line('s3://b/a.png', 'tulip'), base: line('s3://b/a.png', 'rose') },
      { sourceRef: 's3://b/new.png', line: line('s3://b/new.png', 'daisy'), base: undefined },
    ], (phase) => phases.push(phase));
    expect(result).toEqual({
      kind: 'saved', status: 'UPDATE_COMPLETE', message: undefined, readBack: true, checked: true,
      lines: new Map([['s3://b/a.png', `${line('s3://b/a.png', 'tulip')} (listed)`], ['s3://b/new.png', `${line('s3://b/new.png', 'daisy')} (listed)`]]),
    });
    expect(phases).toEqual(['waiting', 'sending', 'updating', 'reading']);
  });

  it('stops when an entry changed since it was read, and reports what it is now', async () => {
    const dataset = new FakeDataset();
    dataset.lines.set('s3://b/a.png', line('s3://b/a.png', 'theirs'));
    const result = await new EntrySaver(dataset, { conditional: true }).save([{ sourceRef: 's3://b/a.png', line: line('s3://b/a.png', 'mine'), base: line('s3://b/a.png', 'read') }]);
    expect(result).toEqual({ kind: 'conflict', conflicts: [{ sourceRef: 's3://b/a.png', current: { version: sha(line('s3://b/a.png', 'theirs')), line: line('s3://b/a.png', 'theirs') } }] });
    expect(dataset.lines.get('s3://b/a.png')).toBe(line('s3://b/a.png', 'theirs'));
  });

  it('runs saves one after the other, so the second is not refused while the first is applied', async () => {
    const dataset = new FakeDataset();
    const saver = new EntrySaver(dataset, { conditional: true });
    const [first, second] = await Promise.all([
      saver.save([{ sourceRef: 's3://b/a.png', line: line('s3://b/a.png', '1'), base: undefined }]),
      saver.save([{ sourceRef: 's3://b/b.png', line: line('s3://b/b.png', '2'), base: undefined }]),
    ]);
    expect([first.kind, second.kind]).toEqual(['saved', 'saved']);
    expect(dataset.calls).toEqual(['conditional', 'conditional']);
  });

  it('uses the plain UpdateDatasetEntries for a key without the conditional write, and passes refusals on', async () => {
    const dataset = new FakeDataset();
    expect(await new EntrySaver(dataset, { conditional: false }).save([{ sourceRef: 's3://b/a.png', line: line('s3://b/a.png', 'x'), base: 'whatever' }]))
      .toMatchObject({ kind: 'saved', checked: false });
    expect(dataset.calls).toEqual(['plain']);
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    dataset.refuse = denied;
    expect(await new EntrySaver(dataset, { conditional: true }).save([{ sourceRef: 's3://b/a.png', line: line('s3://b/a.png', 'y'), base: undefined }]))
      .toEqual({ kind: 'failed', error: denied });
  });
});

describe('permissions from the caller\'s allow-lists', () => {
  const caller = { account: '111122223333', region: 'us-east-1', accessKeyId: 'TROVKEY', allowActions: ['rekognition:List*', 'rekognition:Describe*', 'bedrock-agentcore:*'], allowResources: ['arn:aws:rekognition:*:111122223333:project/flowers/*', 'arn:aws:bedrock-agentcore:*:*:dataset/evals-*'] };
  const flowers = 'arn:aws:rekognition:us-east-1:111122223333:project/flowers/dataset/train/1';

  it('matches actions case-insensitively and resources exactly, as the server does, and says why not', () => {
    expect(decide(caller, 'rekognition:ListDatasetEntries', [flowers])).toEqual({ allowed: true });
    expect(decide(caller, 'REKOGNITION:listdatasetentries', [flowers])).toEqual({ allowed: true });
    const update = decide(caller, 'rekognition:UpdateDatasetEntries', [flowers]);
    expect(update).toEqual({ allowed: false, reason: 'Read-only: the access key TROVKEY may not call rekognition:UpdateDatasetEntries (its allow-list of actions does not include it).' });
    const other = decide(caller, 'bedrock-agentcore:AddDatasetExamples', [agentCoreDatasetArn(caller, 'support-123')]);
    expect(other.allowed).toBe(false);
    expect(decide(caller, 'bedrock-agentcore:AddDatasetExamples', [agentCoreDatasetArn(caller, 'evals-123')]).allowed).toBe(true);
    expect(decideAll(caller, [['rekognition:ListDatasetEntries', [flowers]], ['trove:UploadImage', []]])).toMatchObject({ allowed: false });
    expect(decide(undefined, 'rekognition:UpdateDatasetEntries')).toEqual({ allowed: true });
    expect(decide({ ...caller, allowActions: null, allowResources: null }, 'rekognition:UpdateDatasetEntries', [flowers])).toEqual({ allowed: true });
  });

  it('says "Not allowed" rather than "Read-only" for a reading (the Jobs page), from the server\'s action table', () => {
    expect(decideTrove(caller, 'ListJobs', [], 'Not allowed')).toEqual({
      allowed: false, reason: 'Not allowed: the access key TROVKEY may not call trove:ListJobs (its allow-list of actions does not include it).',
    });
    expect(decideTrove({ ...caller, allowActions: ['trove:List*'] }, 'ListJobs', [], 'Not allowed')).toEqual({ allowed: true });
  });
});
