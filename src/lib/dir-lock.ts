import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The directory is locked by another live process. */
export class DirectoryInUseError extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`Another Trove process (pid ${pid}) is using the data directory ${dir}.`);
  }
}

/**
 * Claims a directory for this process with a pid file. The embedded store relies on it: only
 * one process may run jobs on a data directory, so a crashed process's jobs can be resumed at
 * once. A stale file (its process is gone, e.g. after kill -9) is taken over.
 */
export function lockDirectory(dir: string): () => void {
  const file = join(dir, 'trove.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
        throw new DirectoryInUseError(dir, pid);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dir}.`);
}

/** Whether process `pid` exists (EPERM: it does, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
