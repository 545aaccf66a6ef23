import { readFileSync } from 'node:fs';
import type { Command } from '../index.js';

/** `trove version` (also `--version`, `-v`): this installation's version and the Node.js running it. */
export const versionCommand: Command = {
  name: 'version',
  async run() {
    process.stdout.write(`trove ${troveVersion()} (Node.js ${process.version})\n`);
    return 0;
  },
};

/** package.json's version; src/cli/commands/ and dist/cli/commands/ are both three folders below it. */
export function troveVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
