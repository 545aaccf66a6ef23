import { TroveApiCallError } from '../client/trove-api-client.js';
import { closestMatch } from '../lib/closest-match.js';
import { settingsSection, table, UsageError } from './flags.js';
import { forTerminal } from './terminal-text.js';

export interface Command {
  readonly name: string;
  run(args: string[], env: Readonly<Record<string, string | undefined>>): Promise<number>;
}

/** A command as the table knows it: its module is loaded only when it runs (`trove version` needs no AWS SDK). */
interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}

const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'serve', load: async () => (await import('./commands/serve.js')).serveCommand,
    summary: 'serve the AWS-compatible APIs (default 127.0.0.1:4599, data in ./.trove, or --database-url)',
  },
  {
    name: 'demo', load: async () => (await import('./commands/demo.js')).demoCommand,
    summary: 'load sample datasets into a running Trove (see `trove demo --help`)',
  },
  {
    name: 'migrate', load: async () => (await import('./commands/migrate.js')).migrateCommand,
    summary: 'apply pending store migrations and exit',
  },
  {
    name: 'credentials', load: async () => (await import('./commands/credentials.js')).credentialsCommand,
    summary: 'create, list, disable, enable or delete access keys; rotate the master key (see `trove credentials --help`)',
  },
  {
    name: 'buckets', load: async () => (await import('./commands/buckets.js')).bucketsCommand,
    summary: 'register buckets, assign owners, grant or revoke access (see `trove buckets --help`)',
  },
  {
    name: 'whoami', load: async () => (await import('./commands/whoami.js')).whoamiCommand,
    summary: 'show the account and permissions the configured credentials have on a running Trove',
  },
  {
    name: 'jobs', load: async () => (await import('./commands/jobs.js')).jobsCommand,
    summary: 'list, retry and cancel background jobs (see `trove jobs --help`)',
  },
  {
    name: 'backup', load: async () => (await import('./commands/backup.js')).backupCommand,
    summary: 'copy the embedded store into a file while Trove serves (see `trove backup --help`)',
  },
  {
    name: 'restore', load: async () => (await import('./commands/restore.js')).restoreCommand,
    summary: 'restore a `trove backup` file into a data directory (see `trove restore --help`)',
  },
  {
    name: 'datasets', load: async () => (await import('./commands/datasets/index.js')).datasetsCommand,
    summary: 'history, ingest reports, snapshots, diffs and restores of a Rekognition dataset (see `trove datasets --help`)',
  },
  {
    name: 'export', load: async () => (await import('./commands/export.js')).exportCommand,
    summary: 'export a dataset as a manifest, COCO, YOLO (Rekognition) or JSONL, CSV (AgentCore)',
  },
  {
    name: 'import', load: async () => (await import('./commands/import.js')).importCommand,
    summary: 'import COCO or YOLO into a Rekognition dataset (local files or s3://)',
  },
  {
    name: 'sync', load: async () => (await import('./commands/sync.js')).syncCommand,
    summary: "make an AgentCore dataset's DRAFT equal to a local JSONL file, by exampleId",
  },
  {
    name: 'version', load: async () => (await import('./commands/version.js')).versionCommand,
    summary: 'print the version of Trove and of Node.js (also --version)',
  },
];

/** Other spellings people type for a command. */
const ALIASES: Readonly<Record<string, string>> = { '--version': 'version', '-v': 'version', '-V': 'version' };

/** `trove <command> [flags]`; resolves to the process exit code. */
export async function runCli(argv: string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const [typed, ...args] = argv;
  const name = (typed !== undefined && ALIASES[typed]) || typed;
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      process.stdout.write(usage());
      return 0;
    }
    const guess = closestMatch(name, COMMANDS.map((c) => c.name));
    process.stderr.write(`trove: unknown command "${name}"${guess ? ` (did you mean \`trove ${guess}\`?)` : ''}\n\n${usage()}`);
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(args, env);
  } catch (error) {
    process.stderr.write(`trove ${entry.name}: ${forTerminal(describeError(error))}\n`);
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
    settingsSection(),
  ].join('\n');
}
