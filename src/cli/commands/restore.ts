import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { KEY_CHECK, opensKeyCheck } from '../../auth/credential-service.js';
import { keyFingerprint, loadMasterKeys, MASTER_KEY_FILE, readKeyFile, replaceKeyFile } from '../../auth/master-key.js';
import type { MasterKey } from '../../auth/master-key.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { lockDirectory } from '../../lib/dir-lock.js';
import { sqliteFile } from '../../store/create-store.js';
import { copyDatabase, inspectStoreFile, unsealRestored } from '../../store/sqlite/backup.js';
import type { StoreFileFacts } from '../../store/sqlite/backup.js';
import type { Command } from '../index.js';
import { parseCommandArgs } from '../flags.js';

const USAGE = `Usage: trove restore --from FILE --data-dir DIR [--master-key-file FILE] [--force]

Brings a backup made by \`trove backup\` (or a copy of a stopped Trove's trove.db) back into DIR. The
file is checked first (PRAGMA integrity_check, Trove's tables, a schema this Trove knows); so is the
master key, when the backup holds credentials: it must be the key they were encrypted with. Then
\`trove serve --data-dir DIR\` serves it; jobs that were unfinished at the backup run again.

  --from FILE             the backup
  --data-dir DIR          where to restore; refused when it is not empty, unless --force (then its store
                          is replaced; its master.key and buckets folder stay; no Trove may be running there)
  --master-key-file FILE  the master key of the backup's credentials (e.g. the old <data dir>/master.key);
                          written to DIR/master.key unless TROVE_MASTER_KEY is set. Without it, TROVE_MASTER_KEY
                          or an existing DIR/master.key is checked instead.

The objects of the folder store are not in the backup: copy the old buckets folder to DIR/buckets.
`;

/** `trove restore`: a backup back into a data directory, after checking the file and the key. */
export const restoreCommand: Command = {
  name: 'restore',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, {
      from: { type: 'string' }, force: { type: 'boolean' }, 'master-key-file': { type: 'string' }, help: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(' ')}\n\n${USAGE}`);
    if (!values.from) throw new Error(`--from FILE is required.\n\n${USAGE}`);
    if (!settings['data-dir']) throw new Error(`--data-dir DIR is required: where to restore.\n\n${USAGE}`);
    const config = loadConfig({ env, flags: settings });
    if (config.databaseUrl) throw new Error('`trove restore` restores the embedded store; on PostgreSQL use pg_restore (docs/postgres.md, "Backups").');
    const from = resolve(values.from);
    const dir = resolve(config.dataDir);

    const facts = inspectStoreFile(from);
    const key = masterKeyFor(facts, config, dir, values['master-key-file']);
    const entries = existsSync(dir) ? readdirSync(dir) : [];
    if (entries.length > 0 && !values.force) {
      throw new Error(`${dir} is not empty (${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', ...' : ''}); restore into a new directory, or pass --force to replace its store.`);
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // The directory's lock: no Trove may run on it meanwhile, and none can start until the store is in place.
    const unlock = lockDirectory(dir);
    const target = sqliteFile(dir);
    const partial = `${target}.restoring-${process.pid}`;
    try {
      await copyDatabase(from, partial);
      unsealRestored(partial);
      // An old store's write-ahead log must not be replayed over the restored file.
      for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
      renameSync(partial, target);
      if (key?.install) replaceKeyFile(resolve(dir, MASTER_KEY_FILE), key.key);
    } finally {
      rmSync(partial, { force: true });
      unlock();
    }
    process.stdout.write(report(from, dir, facts, key));
    return 0;
  },
};

/**
 * The master key the restored store will be served with, checked against the backup's key check.
 * `install`: it came from --master-key-file and goes into DIR/master.key.
 */
function masterKeyFor(facts: StoreFileFacts, config: Config, dir: string, keyFile: string | undefined): (MasterKey & { install: boolean }) | undefined {
  const check = facts.settings.get(KEY_CHECK);
  const existing = resolve(dir, MASTER_KEY_FILE);
  let key: MasterKey & { install: boolean };
  if (keyFile) key = { key: readKeyFile(resolve(keyFile)), source: resolve(keyFile), install: !config.auth.masterKey };
  else if (config.auth.masterKey) key = { ...loadMasterKeys({ ...config.auth, dataDir: dir }).current, install: false };
  else if (existsSync(existing)) key = { key: readKeyFile(existing), source: existing, install: false };
  else if (check) {
    throw new Error(`The backup's credentials are encrypted with the master key ${facts.backup.get('masterKey') ?? '(fingerprint not recorded)'}: `
      + 'give it with --master-key-file FILE (e.g. the old data directory\'s master.key) or TROVE_MASTER_KEY.');
  } else {
    return undefined;
  }
  if (check && !opensKeyCheck(check, key.key)) {
    throw new Error(`The master key from ${key.source} (${keyFingerprint(key.key)}) is not the key the backup's credentials were encrypted with`
      + `${facts.backup.has('masterKey') ? ` (${facts.backup.get('masterKey')})` : ''}; nothing was restored.`);
  }
  return key;
}

function report(from: string, dir: string, facts: StoreFileFacts, key: (MasterKey & { install: boolean }) | undefined): string {
  const { counts } = facts;
  const made = facts.backup.get('createdAt');
  return [
    `Restored ${from}${made ? ` (backed up ${made}${facts.backup.has('dataDir') ? ` from ${facts.backup.get('dataDir')}` : ''})` : ''} into ${dir}: `
    + `${counts.projects} Rekognition projects, ${counts.datasets} datasets, ${counts.agentcoreDatasets} AgentCore datasets, `
    + `${counts.credentials} credentials, ${counts.jobs} unfinished jobs (they run again when Trove starts).`,
    key ? `Master key ${keyFingerprint(key.key)}${key.install ? ` written to ${resolve(dir, MASTER_KEY_FILE)}` : ` (${key.source})`}.` : 'No master key is needed (no credentials).',
    `Objects are not in the backup: copy the old buckets folder to ${resolve(dir, 'buckets')} (or point --bucket-dir / --s3-endpoint at them).`,
    `Start it with: trove serve --data-dir ${dir}`,
    '',
  ].join('\n');
}
