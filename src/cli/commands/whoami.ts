import { TroveApiClient } from '../../client/trove-api-client.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { parseCommandArgs } from '../flags.js';
import { forTerminal } from '../terminal-text.js';

const USAGE = `Usage: trove whoami [--json] [--endpoint URL] [--region NAME] [--profile NAME]

Asks a running Trove who the configured credentials are: account, region, access key and
allow-lists (Trove API GetCallerIdentity).
${CLIENT_OPTIONS_HELP}
`;

/** `trove whoami`: the first thing to run against a remote Trove, to see the credentials work. */
export const whoamiCommand: Command = {
  name: 'whoami',
  async run(args, env) {
    const { values } = parseCommandArgs(args, { ...CLIENT_OPTIONS, json: { type: 'boolean' }, help: { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const client = new TroveApiClient(await resolveClientTarget(values, env));
    const identity = await client.call<{
      account: string; region: string; accessKeyId: string; allowActions: string[] | null; allowResources: string[] | null;
    }>('GET', '/_trove/api/caller');
    if (values.json) {
      process.stdout.write(`${JSON.stringify(identity, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(forTerminal([
      `endpoint    ${client.target.endpoint}`,
      `account     ${identity.account}`,
      `region      ${identity.region}`,
      `access key  ${identity.accessKeyId}`,
      `actions     ${identity.allowActions?.join(', ') ?? 'every action'}`,
      `resources   ${identity.allowResources?.join(', ') ?? 'every resource of the account'}`,
      '',
    ].join('\n')));
    return 0;
  },
};
