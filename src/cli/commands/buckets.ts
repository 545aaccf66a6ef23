import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BucketError, BucketService } from '../../buckets/bucket-service.js';
import type { BucketRecord, GrantAccess } from '../../buckets/bucket-service.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { systemClock } from '../../lib/clock.js';
import { createStore } from '../../store/create-store.js';
import type { Command } from '../index.js';
import { parseCommandArgs } from '../flags.js';
import { actionUsage } from '../command-args.js';

const USAGE = `Usage:
  trove buckets list [--account <12 digits>] [--json]
  trove buckets create <bucket> [--owner <12 digits>] [--json]
  trove buckets assign <bucket> --owner <12 digits>|none [--json]
  trove buckets grant <bucket> --account <12 digits> [--access read|read-write] [--json]
  trove buckets revoke <bucket> --account <12 digits> [--json]
  trove buckets delete <bucket>

  A bucket belongs to one account, which reads (and writes) its objects; another account reads
  it only with a grant (read, or read-write). Once credentials exist, a bucket without an owner
  is read by no account but those granted access. While none exists, the local test/test pair
  (loopback bind) reads every bucket.

  list      registered buckets (and, for the folder store, the bucket folder's directories),
            with owner and grants; --account: the buckets that account owns or is granted
  create    registers a bucket, with or without an owner
  assign    makes an account the owner (none: no owner), registering the bucket if needed
  grant     lets an account read (default) or read and write the bucket
  revoke    takes a grant away
  delete    forgets the bucket's owner and grants (its objects are never touched)
  Also takes --data-dir / --database-url (and every serve setting); a running server sees
  changes within its credential cache time (5 s by default).
`;

const OPTIONS = {
  owner: { type: 'string' },
  account: { type: 'string' },
  access: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
} as const;

/** `trove buckets`: owners and grants of the object store's buckets, stored in the store (every node agrees). */
export const bucketsCommand: Command = {
  name: 'buckets',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, OPTIONS);
    const [action, name, ...extra] = positionals;
    const usageExit = actionUsage(action, values.help, USAGE);
    if (usageExit !== undefined) return usageExit;
    if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);
    if (action !== 'list' && !name) throw new BucketError(`trove buckets ${action} needs a bucket name.\n\n${USAGE}`);
    const config = loadConfig({ env, flags: settings });
    const store = await createStore(config);
    try {
      const buckets = new BucketService(store, systemClock);
      const show = (bucket: BucketRecord) => {
        process.stdout.write(values.json ? `${JSON.stringify(toJson(bucket))}\n` : `${describe(bucket)}\n`);
        return 0;
      };
      switch (action) {
        case 'list': {
          const open = (await store.credentials.count()) === 0;
          const listed = withFolderBuckets(await buckets.list(), config)
            .filter((b) => values.account === undefined || b.owner === values.account || b.grants.some((g) => g.account === values.account));
          process.stdout.write(values.json ? `${JSON.stringify(listed.map(toJson))}\n` : table(listed, open));
          return 0;
        }
        case 'create':
          return show(await buckets.create(name!, values.owner));
        case 'assign':
          if (!values.owner) throw new BucketError('trove buckets assign needs --owner <12 digits> (or --owner none).');
          return show(await buckets.assign(name!, values.owner === 'none' ? null : values.owner));
        case 'grant':
          return show(await buckets.grant(name!, requiredAccount(values.account, action), access(values.access)));
        case 'revoke':
          return show(await buckets.revoke(name!, requiredAccount(values.account, action)));
        case 'delete':
          await buckets.delete(name!);
          process.stdout.write(`${name}: owner and grants forgotten; the bucket now has no owner.\n`);
          return 0;
        default:
          throw new Error(`unknown action "${action}"\n\n${USAGE}`);
      }
    } finally {
      await store.close();
    }
  },
};

function requiredAccount(account: string | undefined, action: string): string {
  if (!account) throw new BucketError(`trove buckets ${action} needs --account <12 digits>.`);
  return account;
}

function access(text: string | undefined): GrantAccess {
  if (text === undefined || text === 'read' || text === 'read-write') return text ?? 'read';
  throw new BucketError(`--access must be read or read-write (got '${text}').`);
}

/** A bucket as listed: registered in the store, or only a directory of the folder store (then without owner). */
type Listed = Pick<BucketRecord, 'name' | 'owner' | 'grants'> & { readonly registered: boolean };

/** The registered buckets, plus the folder store's bucket directories nobody registered (symlinks are no buckets). */
function withFolderBuckets(registered: readonly BucketRecord[], config: Config): Listed[] {
  const listed: Listed[] = registered.map((b) => ({ ...b, registered: true }));
  const { mode, bucketDir, s3 } = config.objectStore;
  if (mode === 's3' || (mode === 'auto' && s3.endpoint)) return listed;
  let names: string[];
  try {
    names = readdirSync(bucketDir ?? join(config.dataDir, 'buckets'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return listed;
  }
  const known = new Set(registered.map((b) => b.name));
  const folderOnly = names.filter((name) => !known.has(name)).map((name): Listed => ({ name, owner: null, grants: [], registered: false }));
  return [...listed, ...folderOnly].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toJson(bucket: Listed | BucketRecord) {
  return { bucket: bucket.name, owner: bucket.owner, grants: bucket.grants, registered: 'registered' in bucket ? bucket.registered : true };
}

function readers(bucket: Pick<BucketRecord, 'owner' | 'grants'>): string {
  const grants = bucket.grants.map((g) => `${g.account} (${g.access})`).join(', ');
  if (bucket.owner === null) return grants ? `no owner: only ${grants}` : 'no owner: no account reads it';
  return grants ? `${bucket.owner} (owner), ${grants}` : `${bucket.owner} (owner)`;
}

function describe(bucket: BucketRecord): string {
  return `${bucket.name}: ${readers(bucket)}`;
}

function table(list: readonly Listed[], open: boolean): string {
  const notes = open
    ? ['No credentials exist: the local test/test pair (loopback bind) reads every bucket; owners and grants apply once a credential is created.']
    : [];
  if (list.length === 0) return [...notes, 'No buckets. Register one with `trove buckets create <bucket> --owner <12 digits>`.', ''].join('\n');
  const rows = list.map((b) => [b.name, b.owner ?? '-', readers(b), b.registered ? 'registered' : 'in the bucket folder only']);
  const header = ['BUCKET', 'OWNER', 'READ BY', 'STATE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [...notes, ...[header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()), ''].join('\n');
}
