import {
  CreateDatasetCommand, CreateProjectCommand, DeleteDatasetCommand, DeleteProjectCommand, DescribeDatasetCommand,
  DescribeProjectsCommand, InvalidPaginationTokenException, InvalidParameterException, ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-rekognition';
import type { DescribeProjectsCommandOutput } from '@aws-sdk/client-rekognition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../../harness/backends.js';
import { settled } from '../../harness/rekognition.js';
import { eventually, startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

describe.each(BACKENDS)('Rekognition projects (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  it('creates a project with an ARN of its account, region and name', async () => {
    const client = server.rekognition({ region: 'eu-west-1' });
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'arn-check' }));
    expect(ProjectArn).toMatch(/^arn:aws:rekognition:eu-west-1:000000000000:project\/arn-check\/\d{13}$/);
    const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({ ProjectNames: ['arn-check'] }));
    expect(ProjectDescriptions).toHaveLength(1);
    const [project] = ProjectDescriptions!;
    expect(project).toMatchObject({ ProjectArn, Status: 'CREATED', Feature: 'CUSTOM_LABELS', Datasets: [] });
    expect(project.CreationTimestamp).toBeInstanceOf(Date);
    expect(Math.abs(project.CreationTimestamp!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('rejects a duplicate name in the same region with ResourceInUseException, allows it in another region', async () => {
    const east = server.rekognition({ region: 'us-east-1' });
    const west = server.rekognition({ region: 'us-west-2' });
    await east.send(new CreateProjectCommand({ ProjectName: 'dupe' }));
    await expect(east.send(new CreateProjectCommand({ ProjectName: 'dupe' }))).rejects.toBeInstanceOf(ResourceInUseException);
    await expect(west.send(new CreateProjectCommand({ ProjectName: 'dupe' }))).resolves.toMatchObject({ ProjectArn: expect.stringContaining(':us-west-2:') });
  });

  it('keeps regions apart: a project of one region does not exist in another', async () => {
    const east = server.rekognition({ region: 'ap-south-1' });
    const other = server.rekognition({ region: 'ca-central-1' });
    const { ProjectArn } = await east.send(new CreateProjectCommand({ ProjectName: 'regional' }));
    const listed = await other.send(new DescribeProjectsCommand({ ProjectNames: ['regional'] }));
    expect(listed.ProjectDescriptions).toEqual([]);
    await expect(other.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(other.send(new DeleteProjectCommand({ ProjectArn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('validates names and features on the server', async () => {
    const client = server.rekognition();
    for (const ProjectName of ['', 'has space', 'x'.repeat(256), 'slash/name']) {
      const error = await client.send(new CreateProjectCommand({ ProjectName })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect((error as Error).message).toMatch(/projectName/);
    }
    await expect(client.send(new CreateProjectCommand({ ProjectName: 'ok', Feature: 'NOPE' as never }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DescribeProjectsCommand({ MaxResults: 101 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DescribeProjectsCommand({ MaxResults: 0 }))).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(client.send(new DescribeProjectsCommand({ ProjectNames: [] }))).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('pages through projects in creation order, filters by feature, and rejects bad tokens', async () => {
    const client = server.rekognition({ region: 'eu-north-1' });
    const names = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    for (const ProjectName of names) await client.send(new CreateProjectCommand({ ProjectName }));
    await client.send(new CreateProjectCommand({ ProjectName: 'moderation', Feature: 'CONTENT_MODERATION', AutoUpdate: 'ENABLED' }));
    const seen: string[] = [];
    let NextToken: string | undefined = '';
    let pages = 0;
    do {
      const page: DescribeProjectsCommandOutput = await client.send(new DescribeProjectsCommand({ MaxResults: 3, NextToken }));
      seen.push(...page.ProjectDescriptions!.map((p) => p.ProjectArn!.split('/')[1]));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    // AWS: without Features only CUSTOM_LABELS projects are listed.
    expect(seen).toEqual(names);
    expect(pages).toBe(3);
    const moderation = await client.send(new DescribeProjectsCommand({ Features: ['CONTENT_MODERATION'] }));
    expect(moderation.ProjectDescriptions!.map((p) => [p.Feature, p.AutoUpdate])).toEqual([['CONTENT_MODERATION', 'ENABLED']]);
    await expect(client.send(new DescribeProjectsCommand({ NextToken: 'garbage' }))).rejects.toBeInstanceOf(InvalidPaginationTokenException);
    const first = await client.send(new DescribeProjectsCommand({ MaxResults: 1 }));
    // A token is bound to the listing's filters.
    await expect(client.send(new DescribeProjectsCommand({ MaxResults: 1, NextToken: first.NextToken, Features: ['CONTENT_MODERATION'] })))
      .rejects.toBeInstanceOf(InvalidPaginationTokenException);
    const tampered = first.NextToken!.slice(0, -2) + (first.NextToken!.endsWith('AA') ? 'BB' : 'AA');
    await expect(client.send(new DescribeProjectsCommand({ MaxResults: 1, NextToken: tampered }))).rejects.toBeInstanceOf(InvalidPaginationTokenException);
  });

  it('refuses to delete a project that has datasets, then deletes it asynchronously', async () => {
    const client = server.rekognition();
    const { ProjectArn } = await client.send(new CreateProjectCommand({ ProjectName: 'to-delete' }));
    const { DatasetArn } = await client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TEST' }));
    await settled(client, DatasetArn!);
    await expect(client.send(new DeleteProjectCommand({ ProjectArn }))).rejects.toBeInstanceOf(ResourceInUseException);
    await client.send(new DeleteDatasetCommand({ DatasetArn }));
    await eventually(async () => client.send(new DescribeDatasetCommand({ DatasetArn })).then(() => undefined, (e: unknown) => e), 10_000);
    expect(await client.send(new DeleteProjectCommand({ ProjectArn }))).toMatchObject({ Status: 'DELETING' });
    await eventually(async () => {
      const { ProjectDescriptions } = await client.send(new DescribeProjectsCommand({ ProjectNames: ['to-delete'] }));
      return ProjectDescriptions!.length === 0 ? true : undefined;
    });
    await expect(client.send(new DeleteProjectCommand({ ProjectArn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // The name is free again.
    await expect(client.send(new CreateProjectCommand({ ProjectName: 'to-delete' }))).resolves.toBeDefined();
  });

  it('answers ResourceNotFoundException for a well-formed ARN that names nothing', async () => {
    const client = server.rekognition();
    const ProjectArn = 'arn:aws:rekognition:us-east-1:000000000000:project/ghost/1690405809285';
    await expect(client.send(new DeleteProjectCommand({ ProjectArn }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(client.send(new CreateDatasetCommand({ ProjectArn, DatasetType: 'TRAIN' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
    // Another account's ARN is simply not found, never served.
    const foreign = 'arn:aws:rekognition:us-east-1:123456789012:project/ghost/1690405809285';
    await expect(client.send(new DeleteProjectCommand({ ProjectArn: foreign }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});
