import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrivateFile } from '../lib/private-file.js';

export const MASTER_KEY_FILE = 'master.key';

/**
 * The key that encrypts credentials' secrets at rest: `TROVE_MASTER_KEY` (32 bytes as 64 hex
 * digits or base64) when set, else `<data dir>/master.key`, created on first use with mode 0600.
 * A key file other users can read is refused, like ssh refuses an open private key.
 */
export function loadMasterKey(options: { masterKey?: string; dataDir: string }): { key: Buffer; source: string } {
  if (options.masterKey !== undefined && options.masterKey !== '') {
    return { key: decodeKey(options.masterKey, 'TROVE_MASTER_KEY'), source: 'TROVE_MASTER_KEY' };
  }
  const file = join(options.dataDir, MASTER_KEY_FILE);
  try {
    const fd = openSync(file, 'wx', 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString('base64')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  assertPrivateFile(file, 'The master key file');
  return { key: decodeKey(readFileSync(file, 'utf8'), file), source: file };
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(trimmed) && key.toString('base64') !== trimmed)) {
    throw new Error(`${where} must hold a 32-byte key as 64 hex digits or base64 (e.g. the output of \`openssl rand -hex 32\`).`);
  }
  return key;
}
