import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';

const MODELS = fileURLToPath(new URL('../../../../shared/aws-models', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./boto3-client.py', import.meta.url));

/** Why boto3 can't run here, or undefined when it can. */
function unavailable(): string | undefined {
  if (!existsSync(`${MODELS}/bedrock-agentcore-control`)) return `the botocore models are not at ${MODELS}`;
  const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'python3 with boto3 is not installed';
  return undefined;
}

const skip = unavailable();
if (skip) console.warn(`[agentcore boto3] skipped: ${skip}`);

describe.skipIf(skip !== undefined)('agentcore datasets through boto3 (AWS_DATA_PATH=../shared/aws-models)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => server?.close());

  it('parses every answer and error the way botocore does', async () => {
    // Async so the in-process server keeps serving while Python runs.
    const output = await new Promise<string>((resolve, reject) => {
      execFile('python3', [SCRIPT, server.url], {
        env: { ...process.env, AWS_DATA_PATH: MODELS, AWS_EC2_METADATA_DISABLED: 'true' }, timeout: 60_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    const out = JSON.parse(output.trim().split('\n').at(-1)!);
    expect(out.createStatus).toBe(202);
    expect(out.createdAtType).toBe('datetime');
    expect(out.get).toEqual({ status: 'ACTIVE', draftStatus: 'MODIFIED', exampleCount: 25, datasetVersion: 'DRAFT' });
    expect(out.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.added).toEqual({ count: 1, ids: 1 });
    expect(out.version).toBe('1');
    // botocore's paginator stops only when nextToken is absent: 26 examples, 7 a page.
    expect(out.pages).toBe(4);
    expect(out.paged).toEqual([...Array.from({ length: 25 }, (_, i) => `s${i}`), 'x']);
    expect(out.pagedVersions).toEqual(['1']);
    expect(out.downloaded).toBe(26);
    expect(out.validation).toMatchObject({ code: 'ValidationException', status: 400, reason: 'FieldValidationFailed', typed: 'ValidationException' });
    expect(out.validation.fieldList).toEqual([expect.objectContaining({ name: 'datasetName' })]);
    expect(out.badExample.fieldList).toEqual([{ name: 'source.inlineExamples.examples[0].turns[0].input', message: 'Member must not be null' }]);
    expect(out.conflict).toMatchObject({ code: 'ConflictException', status: 409, typed: 'ConflictException' });
    expect(out.notFound).toMatchObject({ code: 'ResourceNotFoundException', status: 404, typed: 'ResourceNotFoundException' });
    expect(out.mismatch).toMatchObject({ code: 'ValidationException', reason: 'IdempotentParameterMismatchException' });
    expect(out.deleteStatus).toEqual([202, 'DELETING']);
  });
});
