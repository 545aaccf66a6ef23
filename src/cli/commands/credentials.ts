import { LOCAL_CREDENTIAL } from '../../auth/authenticate.js';
import { keyFingerprint, readKeyFile, replaceKeyFile } from '../../auth/master-key.js';
import { CredentialError, openWithConfiguredKeys } from '../../auth/credential-service.js';
import type { CredentialSummary } from '../../auth/credential-service.js';
import { loadConfig } from '../../config/load.js';
import { systemClock } from '../../lib/clock.js';
import { createStore } from '../../store/create-store.js';
import type { Command } from '../index.js';
import { parseCommandArgs } from '../flags.js';
import { actionUsage } from '../command-args.js';

const USAGE = `Usage:
  trove credentials create --account <12 digits> [--allow <action> ...] [--resource <arn pattern> ...] [--description <text>] [--json]
  trove credentials list [--account <12 digits>] [--json]
  trove credentials disable <access key id>
  trove credentials enable <access key id>
  trove credentials delete <access key id>
  trove credentials rotate-master-key --new-key-file <file>

  --allow     IAM-style action pattern the key may call, e.g. rekognition:UpdateDatasetEntries,
              rekognition:Describe*, bedrock-agentcore:* (repeatable; none: every action)
  --resource  ARN pattern the key may act on, e.g. arn:aws:rekognition:*:123456789012:project/flowers/*
              (repeatable; none: every resource of its account)
  --new-key-file  rotate-master-key: a file holding the new 32-byte key (e.g. \`openssl rand -hex 32 > FILE\`,
              mode 0600). Every stored secret is re-encrypted with it in one transaction; a key kept in
              <data dir>/master.key is then replaced by it. See docs/security.md for several nodes.
  Also takes --data-dir (TROVE_DATA_DIR) or --database-url (TROVE_DATABASE_URL); secrets are encrypted with
  TROVE_MASTER_KEY or <data dir>/master.key (and open with TROVE_MASTER_KEY_PREVIOUS during a rotation).
`;

const OPTIONS = {
  account: { type: 'string' },
  allow: { type: 'string', multiple: true },
  resource: { type: 'string', multiple: true },
  description: { type: 'string' },
  'new-key-file': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/**
 * `trove credentials`: creates and manages the access keys that sign requests. It opens the
 * store directly (like `migrate`), so it works whether or not the server is running; a running
 * server sees changes within its credential cache time (5 s by default).
 */
export const credentialsCommand: Command = {
  name: 'credentials',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, OPTIONS);
    const [action, keyId, ...extra] = positionals;
    const usageExit = actionUsage(action, values.help, USAGE);
    if (usageExit !== undefined) return usageExit;
    if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    const config = loadConfig({ env, flags: settings });
    // The new key is read first: a bad file changes nothing.
    const newKey = action === 'rotate-master-key' ? readKeyFile(requireNewKeyFile(values['new-key-file'])) : undefined;
    const store = await createStore(config);
    try {
      const { credentials, current, previous } = await openWithConfiguredKeys(store, { ...config.auth, dataDir: config.dataDir }, systemClock);
      switch (action) {
        case 'create': {
          if (!values.account) throw new CredentialError('--account is required, e.g. --account 123456789012.');
          const first = (await credentials.count()) === 0;
          const issued = await credentials.create({
            account: values.account, allowActions: values.allow, allowResources: values.resource, description: values.description,
          });
          if (values.json) {
            process.stdout.write(`${JSON.stringify(issued)}\n`);
          } else {
            process.stdout.write([
              `Access key id:     ${issued.accessKeyId}`,
              `Secret access key: ${issued.secretAccessKey}`,
              `Account:           ${issued.account}`,
              '',
              'The secret is shown only now; store it safely (it is kept encrypted and cannot be shown again).',
              '',
            ].join('\n'));
          }
          if (first) process.stderr.write(firstCredentialWarning(issued.account, config.auth.credentialCacheMs));
          return 0;
        }
        case 'list': {
          const list = await credentials.list(values.account);
          process.stdout.write(values.json ? `${JSON.stringify(list.map(toJson))}\n` : table(list));
          return 0;
        }
        case 'disable':
        case 'enable':
        case 'delete': {
          if (!keyId) throw new CredentialError(`trove credentials ${action} needs an access key id.`);
          if (action === 'delete') await credentials.delete(keyId);
          else await credentials.setEnabled(keyId, action === 'enable');
          process.stdout.write(`${keyId} ${action}d.\n`);
          return 0;
        }
        case 'rotate-master-key': {
          const was = credentials.storeKey === 'previous' && previous ? previous.key : current.key;
          const count = await credentials.rotateMasterKey(newKey!);
          const lines = [`Re-encrypted ${count} stored secret${count === 1 ? '' : 's'} with the master key ${keyFingerprint(newKey!)} (was ${keyFingerprint(was)}).`];
          if (current.source === 'TROVE_MASTER_KEY') {
            lines.push('Start every node with TROVE_MASTER_KEY set to the new key (nodes started with only the old key now refuse to start);',
              'nodes already running with the new key and TROVE_MASTER_KEY_PREVIOUS keep serving: restart them without TROVE_MASTER_KEY_PREVIOUS.',
              'Nodes whose <data dir>/master.key already holds the new key take it without a restart: send them SIGHUP (kill -HUP <pid>).');
          } else if (!newKey!.equals(current.key)) {
            replaceKeyFile(current.source, newKey!);
            lines.push(`${current.source} now holds the new key. A Trove running on this data directory takes it when it first reads a secret sealed with it, or at once on SIGHUP (kill -HUP <pid in trove.pid>).`);
          }
          process.stdout.write(`${lines.join('\n')}\n`);
          return 0;
        }
        default:
          throw new Error(`unknown action "${action}"\n\n${USAGE}`);
      }
    } finally {
      await store.close();
    }
  },
};

function requireNewKeyFile(file: string | undefined): string {
  if (!file) throw new CredentialError('rotate-master-key needs --new-key-file FILE, a file holding the new 32-byte key (e.g. `openssl rand -hex 32 > FILE; chmod 600 FILE`).');
  return file;
}

/**
 * The first credential switches the local pair off, silently until now: say so, and where the
 * data made with it went (account 000000000000), so nobody thinks it was lost. On stderr, so
 * `--json` output stays one parseable line.
 */
export function firstCredentialWarning(account: string, cacheMs: number): string {
  const local = LOCAL_CREDENTIAL.account;
  return [
    `Note: this is the first credential, so the local pair ${LOCAL_CREDENTIAL.accessKeyId}/${LOCAL_CREDENTIAL.secretAccessKey} no longer works `
    + `(a running Trove stops accepting it within ${Math.ceil(cacheMs / 1000)} seconds).`,
    account === local
      ? `This key is in account ${local}, so it reaches everything created with ${LOCAL_CREDENTIAL.accessKeyId}/${LOCAL_CREDENTIAL.secretAccessKey}.`
      : `Everything created with ${LOCAL_CREDENTIAL.accessKeyId}/${LOCAL_CREDENTIAL.secretAccessKey} is in account ${local}, which account ${account} cannot see. `
        + `To keep using it, also create a key for that account: trove credentials create --account ${local}`,
    'Buckets need an owner from now on: `trove buckets list` shows them, `trove buckets assign <bucket> --owner <account>` gives one.',
    '',
  ].join('\n');
}

function toJson(c: CredentialSummary) {
  return {
    accessKeyId: c.accessKeyId, account: c.account, enabled: c.enabled, allow: c.allowActions, resources: c.allowResources,
    description: c.description, createdAt: new Date(c.createdAt).toISOString(),
  };
}

function table(list: readonly CredentialSummary[]): string {
  if (list.length === 0) return 'No credentials. Create one with `trove credentials create --account <12 digits>`.\n';
  const rows = list.map((c) => [
    c.accessKeyId, c.account, c.enabled ? 'enabled' : 'disabled', new Date(c.createdAt).toISOString(),
    c.allowActions?.join(',') ?? '*', c.allowResources?.join(',') ?? '*', c.description ?? '',
  ]);
  const header = ['ACCESS KEY ID', 'ACCOUNT', 'STATUS', 'CREATED', 'ACTIONS', 'RESOURCES', 'DESCRIPTION'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}
