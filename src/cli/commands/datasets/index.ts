import { DatasetHistoryClient } from '../../../client/dataset-history-client.js';
import { TroveApiClient } from '../../../client/trove-api-client.js';
import type { Command } from '../../index.js';
import { CLIENT_OPTIONS_HELP, resolveClientTarget } from '../../client-target.js';
import { parseCommandArgs } from '../../flags.js';
import { actionUsage } from '../../command-args.js';
import { diffCommand } from './diff.js';
import { historyCommand, reportCommand } from './history.js';
import { deleteSnapshotCommand, restoreCommand, snapshotCommand, snapshotsCommand } from './snapshots.js';
import { OPTIONS } from './subcommand.js';
import type { DatasetsSubcommand } from './subcommand.js';
import { forTerminal } from '../../terminal-text.js';

const SUBCOMMANDS: readonly DatasetsSubcommand[] = [
  historyCommand, reportCommand, snapshotCommand, snapshotsCommand, deleteSnapshotCommand, diffCommand, restoreCommand,
];

const USAGE = `Usage: trove datasets <subcommand> --dataset-arn ARN [flags] [--json]

History and snapshots of a Rekognition dataset on a running Trove (Trove API, docs/trove-api.md):
${SUBCOMMANDS.map((sub) => `  trove datasets ${sub.usage}\n      ${sub.summary}`).join('\n')}

  --json   print the API's answer as JSON instead of a summary
${CLIENT_OPTIONS_HELP}
`;

/** `trove datasets`: a Rekognition dataset's history, ingest reports, snapshots, diffs and restores, over HTTP. */
export const datasetsCommand: Command = {
  name: 'datasets',
  async run(args, env) {
    const { values, positionals } = parseCommandArgs(args, OPTIONS);
    const [name, ...extra] = positionals;
    const subcommand = SUBCOMMANDS.find((sub) => sub.name === name);
    const usageExit = actionUsage(name, values.help, USAGE);
    if (usageExit !== undefined) return usageExit;
    if (!subcommand) throw new Error(`unknown subcommand "${name}"; see trove datasets --help`);
    if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}`);
    if (!values['dataset-arn']) throw new Error('--dataset-arn is required.');
    const history = new DatasetHistoryClient(new TroveApiClient(await resolveClientTarget(values, env)));
    return subcommand.run({ values, history, out: (text) => process.stdout.write(forTerminal(text)) });
  },
};

