import { backupCommand } from './commands/backup.js';
import { bucketsCommand } from './commands/buckets.js';
import { credentialsCommand } from './commands/credentials.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { datasetsCommand } from './commands/datasets/index.js';
import { jobsCommand } from './commands/jobs.js';
import { migrateCommand } from './commands/migrate.js';
import { restoreCommand } from './commands/restore.js';
import { serveCommand } from './commands/serve.js';
import { syncCommand } from './commands/sync.js';
import { whoamiCommand } from './commands/whoami.js';
import { TroveApiCallError } from '../client/trove-api-client.js';
import { ENV_ONLY_SETTINGS } from '../config/schema.js';
import { settingsHelp } from './flags.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  run(args: string[], env: Readonly<Record<string, string | undefined>>): Promise<number>;
}

const COMMANDS: readonly Command[] = [
  serveCommand, migrateCommand, credentialsCommand, bucketsCommand, whoamiCommand, jobsCommand, backupCommand, restoreCommand, datasetsCommand,
  exportCommand, importCommand, syncCommand,
];

/** `trove <command> [flags]`; resolves to the process exit code. */
export async function runCli(argv: string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const [name, ...args] = argv;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const out = name === undefined || name === 'help' || name === '--help' || name === '-h' ? process.stdout : process.stderr;
    if (name !== undefined && out === process.stderr) out.write(`trove: unknown command "${name}"\n\n`);
    out.write(usage());
    return out === process.stdout ? 0 : 2;
  }
  try {
    return await command.run(args, env);
  } catch (error) {
    process.stderr.write(`trove ${command.name}: ${describeError(error)}\n`);
    return 1;
  }
}

/** One line; a service's modelled error (Trove API or AWS SDK) is named by its code, as the AWS CLI does. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const modelled = error instanceof TroveApiCallError || '$metadata' in error;
  return modelled ? `${error.name}: ${error.message}` : error.message;
}

function usage(): string {
  return [
    'Usage: trove <command> [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    'Flags (each also settable by its environment variable):',
    settingsHelp(),
    '',
    'Environment only:',
    ...ENV_ONLY_SETTINGS.map((s) => `  ${s.env.padEnd(55)} ${s.help}`),
    '',
  ].join('\n');
}
