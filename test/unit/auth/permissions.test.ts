import { describe, expect, it } from 'vitest';
import { authorize } from '../../../src/auth/authorize.js';
import { AccessDenied } from '../../../src/auth/errors.js';
import { actionPatternProblem, matchesAction, matchesResource, resourcePatternProblem } from '../../../src/auth/permissions.js';
import type { Principal } from '../../../src/auth/principal.js';

describe('allow-list patterns', () => {
  it('matches actions IAM-style, case-insensitively, with * and ?', () => {
    expect(matchesAction('rekognition:UpdateDatasetEntries', 'rekognition:UpdateDatasetEntries')).toBe(true);
    expect(matchesAction('rekognition:updatedatasetentries', 'rekognition:UpdateDatasetEntries')).toBe(true);
    expect(matchesAction('rekognition:Describe*', 'rekognition:DescribeProjects')).toBe(true);
    expect(matchesAction('rekognition:Describe*', 'rekognition:DeleteProject')).toBe(false);
    expect(matchesAction('bedrock-agentcore:*', 'rekognition:DescribeProjects')).toBe(false);
    expect(matchesAction('*', 'bedrock-agentcore:GetDataset')).toBe(true);
    expect(matchesAction('rekognition:?eleteProject', 'rekognition:DeleteProject')).toBe(true);
  });

  it('matches resources case-sensitively, treating regex characters literally', () => {
    const arn = 'arn:aws:rekognition:us-east-1:123456789012:project/flowers/dataset/train/1700000000000';
    expect(matchesResource('arn:aws:rekognition:*:123456789012:project/flowers/*', arn)).toBe(true);
    expect(matchesResource('arn:aws:rekognition:*:123456789012:project/Flowers/*', arn)).toBe(false);
    expect(matchesResource('arn:aws:rekognition:*:123456789012:project/flowers.*', 'arn:aws:rekognition:x:123456789012:project/flowersX')).toBe(false);
    expect(matchesResource('*', arn)).toBe(true);
  });

  it('validates patterns when a credential is created', () => {
    expect(actionPatternProblem('rekognition:CreateProject')).toBeUndefined();
    expect(actionPatternProblem('*')).toBeUndefined();
    expect(actionPatternProblem('CreateProject')).toMatch(/not an action pattern/);
    expect(resourcePatternProblem('arn:aws:bedrock-agentcore:*:*:dataset/*')).toBeUndefined();
    expect(resourcePatternProblem('project/flowers')).toMatch(/not an ARN pattern/);
  });
});

describe('authorize', () => {
  const base: Principal = { account: '111111111111', region: 'us-east-1', accessKeyId: 'K' };

  it('allows everything in the account without allow-lists', () => {
    expect(() => authorize(base, 'rekognition:DeleteProject', ['arn:aws:rekognition:us-east-1:111111111111:project/p/1'])).not.toThrow();
  });

  it('denies actions and resources outside the lists, naming them', () => {
    const limited: Principal = { ...base, allowActions: ['rekognition:Describe*'], allowResources: ['arn:aws:rekognition:*:*:project/a/*'] };
    expect(() => authorize(limited, 'rekognition:DescribeDataset', ['arn:aws:rekognition:us-east-1:111111111111:project/a/dataset/train/1'])).not.toThrow();
    expect(() => authorize(limited, 'rekognition:DeleteProject', [])).toThrow(AccessDenied);
    expect(() => authorize(limited, 'rekognition:DescribeDataset', ['arn:aws:rekognition:us-east-1:111111111111:project/b/dataset/train/1']))
      .toThrow(/not authorized to perform: rekognition:DescribeDataset on resource: arn:aws:rekognition:us-east-1:111111111111:project\/b/);
    // Listings name no resource: governed by the action list only.
    expect(() => authorize(limited, 'rekognition:DescribeProjects', [])).not.toThrow();
  });
});

describe('request log', () => {
  it('redacts presigned signatures from logged URLs', async () => {
    const { redactSignature } = await import('../../../src/server/plugins/request-context.js');
    expect(redactSignature('/?X-Amz-Credential=K%2F20250101&X-Amz-Signature=abcdef&x=1')).toBe('/?X-Amz-Credential=K%2F20250101&X-Amz-Signature=REDACTED&x=1');
    expect(redactSignature('/_trove/downloads/d/1?expires=1&sig=secret')).toBe('/_trove/downloads/REDACTED/1?expires=1&sig=REDACTED');
    expect(redactSignature('/_trove/downloads/eyJpIjoxfQ.mac/dataset.jsonl')).toBe('/_trove/downloads/REDACTED/dataset.jsonl');
  });
});
