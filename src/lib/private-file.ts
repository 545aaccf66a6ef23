import { statSync } from 'node:fs';

/**
 * Refuses a file holding a secret (a key) that other users may read or change, as ssh refuses an
 * open private key: Trove would otherwise serve with a key anyone on the host can copy.
 */
export function assertPrivateFile(file: string, what: string): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${what} ${file} is readable by other users (mode ${mode.toString(8).padStart(3, '0')}); run \`chmod 600 ${file}\`.`);
  }
}
