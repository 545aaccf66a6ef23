import { backupCommand } from './commands/backup.js';
import { bucketsCommand } from './commands/buckets.js';
import { credentialsCommand } from './commands/credentials.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { datasetsCommand } from './commands/datasets/index.js';
import { demoCommand } from './commands/demo.js';
import { jobsCommand } from './commands/jobs.js';
import { migrateCommand } from './commands/migrate.js';
import { restoreCommand } from './commands/restore.js';
import { serveCommand } from './commands/serve.js';
import { syncCommand } from './commands/sync.js';
import { versionCommand } from './commands/version.js';
import { whoamiCommand } from './commands/whoami.js';
import { TroveApiCallError } from '../client/trove-api-client.js';
import { ENV_ONLY_SETTINGS } from '../config/schema.js';
import { closestMatch } from '../lib/closest-match.js';
import { settingsHelp, table, UsageError } from './flags.js';

export interface Command {
  readonly name: string;
  readonly summary: string;
  run(args: string[], env: Readonly<Record<string, string | undefined>>): Promise<number>;
}

const COMMANDS: readonly Command[] = [
  serveCommand, demoCommand, migrateCommand, credentialsCommand, bucketsCommand, whoamiCommand, jobsCommand, backupCommand, restoreCommand,
  datasetsCommand, exportCommand, importCommand, syncCommand, versionCommand,
];

/** Other spellings people type for a command. */
const ALIASES: Readonly<Record<string, string>> = { '--version': 'version', '-v': 'version', '-V': 'version' };

/** `trove <command> [flags]`; resolves to the process exit code. */
export async function runCli(argv: string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const [typed, ...args] = argv;
  const name = (typed !== undefined && ALIASES[typed]) || typed;
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(usage());
      return 0;
    }
    const guess = closestMatch(name, COMMANDS.map((c) => c.name));
    process.stderr.write(`trove: unknown command "${name}"${guess ? ` (did you mean \`trove ${guess}\`?)` : ''}\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(args, env);
  } catch (error) {
    process.stderr.write(`trove ${command.name}: ${describeError(error)}\n`);
    return error instanceof UsageError ? 2 : 1;
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
    table(COMMANDS.map((c) => [c.name, c.summary])),
    '',
    'Flags (each also settable by its environment variable):',
    settingsHelp(),
    '',
    'Environment only:',
    table(ENV_ONLY_SETTINGS.map((s) => [s.env, s.help])),
    '',
  ].join('\n');
}
