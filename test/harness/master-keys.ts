import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeProjectsCommand, RekognitionClient } from '@aws-sdk/client-rekognition';
import type { IssuedCredential } from '../../src/auth/credential-service.js';

/** A signed call with the credential (the official SDK): resolves when Trove accepted the signature. */
export async function signIn(url: string, credential: IssuedCredential): Promise<void> {
  const client = new RekognitionClient({ endpoint: url, region: 'us-east-1', credentials: credential, maxAttempts: 1 });
  try {
    await client.send(new DescribeProjectsCommand({}));
  } finally {
    client.destroy();
  }
}

/** A new random master key written to `<dir>/<name>` (owner-only, as Trove requires), and its hex. */
export function keyFile(dir: string, name: string): { file: string; hex: string } {
  const hex = randomBytes(32).toString('hex');
  const file = join(dir, name);
  writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  return { file, hex };
}
