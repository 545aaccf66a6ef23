import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { assertPrivateFile } from '../lib/private-file.js';

export const MASTER_KEY_FILE = 'master.key';

/** A master key and where it came from (for messages; never the key itself). */
export interface MasterKey {
  readonly key: Buffer;
  readonly source: string;
}

/**
 * The key that encrypts credentials' secrets at rest: `TROVE_MASTER_KEY` (32 bytes as 64 hex
 * digits or base64) when set, else `<data dir>/master.key`, created on first use with mode 0600.
 * A key file other users can read is refused, like ssh refuses an open private key.
 */
export function loadMasterKey(options: { masterKey?: string; dataDir: string }, create = true): MasterKey {
  if (options.masterKey !== undefined && options.masterKey !== '') {
    return { key: decodeKey(options.masterKey, 'TROVE_MASTER_KEY'), source: 'TROVE_MASTER_KEY' };
  }
  const file = masterKeyFile(options.dataDir);
  try {
    if (create) writeKeyFile(file, randomBytes(32), 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { key: readKeyFile(file), source: file };
}

/** `<data dir>/master.key`: where the key is kept when TROVE_MASTER_KEY is not set. */
export function masterKeyFile(dataDir: string): string {
  return join(dataDir, MASTER_KEY_FILE);
}

/**
 * The current key, and during a rotation the previous one (`TROVE_MASTER_KEY_PREVIOUS`): secrets
 * sealed with either open, so nodes can take the new key before the store is re-encrypted.
 * `create: false` (a running server re-reading its keys) never makes a new key file: a missing
 * one is an error then, not a fresh random key nothing opens with.
 */
export function loadMasterKeys(
  options: { masterKey?: string; previousMasterKey?: string; dataDir: string }, create = true,
): { current: MasterKey; previous?: MasterKey } {
  const current = loadMasterKey(options, create);
  if (options.previousMasterKey === undefined || options.previousMasterKey === '') return { current };
  return { current, previous: { key: decodeKey(options.previousMasterKey, 'TROVE_MASTER_KEY_PREVIOUS'), source: 'TROVE_MASTER_KEY_PREVIOUS' } };
}

/** A key file as `openssl rand -hex 32 > FILE` writes it; refused when other users may read it. */
export function readKeyFile(file: string): Buffer {
  assertPrivateFile(file, 'The master key file');
  return decodeKey(readFileSync(file, 'utf8'), file);
}

/**
 * Replaces a key file with `key` all at once (a temporary file, flushed, then renamed over it),
 * so a crash leaves either the old key or the new one, never half of one.
 */
export function replaceKeyFile(file: string, key: Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeKeyFile(temporary, key, 'w');
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * A short public name of a key, to tell keys apart in logs and messages without revealing them
 * (the first 64 bits of a SHA-256 over a label and the key).
 */
export function keyFingerprint(key: Buffer): string {
  return `sha256:${createHash('sha256').update('trove master key fingerprint\n').update(key).digest('hex').slice(0, 16)}`;
}

function writeKeyFile(file: string, key: Buffer, flags: 'w' | 'wx'): void {
  const fd = openSync(file, flags, 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function decodeKey(text: string, where: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(trimmed) && key.toString('base64') !== trimmed)) {
    throw new Error(`${where} must hold a 32-byte key as 64 hex digits or base64 (e.g. the output of \`openssl rand -hex 32\`).`);
  }
  return key;
}
