import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Flushes a file (its bytes) or a directory (the names in it, e.g. after a rename) to disk: what
 * is written there survives a crash or power loss from then on.
 */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
