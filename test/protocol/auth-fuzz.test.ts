import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../harness/backends.js';
import { startServer } from '../harness/server.js';
import type { TestServer } from '../harness/server.js';

const AUTH_ERRORS = ['MissingAuthenticationTokenException', 'IncompleteSignatureException', 'UnrecognizedClientException', 'InvalidSignatureException'];

/** Property: whatever a client claims as its signature, the answer is a modelled 403 — never a 500 or a crash. */
describe.each(BACKENDS)('authentication under arbitrary input (%s)', (backend) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ backend });
  });
  afterAll(async () => server?.close());

  const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const field = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('test', `test/${today}/us-east-1/rekognition/aws4_request`, 'host;x-amz-date', '0'.repeat(64)));
  const authorization = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.tuple(field, field, field).map(([c, h, s]) => `AWS4-HMAC-SHA256 Credential=${c}, SignedHeaders=${h}, Signature=${s}`),
  );
  const amzDate = fc.oneof(fc.string({ maxLength: 20 }), fc.date({ noInvalidDate: true }).map((d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')));
  const presigned = fc.dictionary(
    fc.constantFrom('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token'),
    fc.oneof(field, fc.constantFrom('AWS4-HMAC-SHA256', '60', '604801', '-1')),
  );

  it('answers every forged or malformed signature with a modelled 403', async () => {
    await fc.assert(fc.asyncProperty(fc.option(authorization, { nil: undefined }), fc.option(amzDate, { nil: undefined }), presigned, async (auth, date, query) => {
      const headers: Record<string, string> = { 'x-amz-target': 'RekognitionService.DescribeProjects', 'content-type': 'application/x-amz-json-1.1' };
      if (auth !== undefined) headers.authorization = auth;
      if (date !== undefined) headers['x-amz-date'] = date;
      const search = new URLSearchParams(query).toString();
      const response = await fetch(`${server.url}/${search ? `?${search}` : ''}`, { method: 'POST', headers, body: '{}' });
      const body = await response.json() as Record<string, string>;
      expect(response.status).toBe(403);
      expect(AUTH_ERRORS).toContain(body.__type);
      expect(body.Message.length).toBeGreaterThan(0);
    }), { numRuns: 300 });
    expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
  });
});
