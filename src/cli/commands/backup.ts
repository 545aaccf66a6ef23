import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KEY_CHECK, opensKeyCheck } from '../../auth/credential-service.js';
import { keyFingerprint, loadMasterKeys, MASTER_KEY_FILE, readKeyFile } from '../../auth/master-key.js';
import type { MasterKey } from '../../auth/master-key.js';
import { loadConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { folderStoreRoot } from '../../object-store/create-object-store.js';
import { sqliteFile } from '../../store/create-store.js';
import { copyDatabase, inspectStoreFile, sealBackup } from '../../store/sqlite/backup.js';
import type { StoreFileFacts } from '../../store/sqlite/backup.js';
import type { Command } from '../index.js';
import { parseCommandArgs } from '../flags.js';

const USAGE = `Usage: trove backup --to FILE [--data-dir DIR] [--force]

Copies the embedded store (<data dir>/trove.db) into FILE, consistent at one instant, while Trove
serves it (SQLite's online backup; it only reads, so it works beside the running server). The copy
is checked (PRAGMA integrity_check) before it gets its name; it is private to its owner (0600).

Not in the backup, on purpose: the master key that decrypts the stored credentials (keep it apart
from the backups; \`trove restore\` asks for it) and the objects of the folder store (<data dir>/buckets:
manifests and images are plain files, copy them with any file tool). On PostgreSQL use pg_dump or a
base backup instead (docs/postgres.md).

  --to FILE    where the backup goes (a new file; --force replaces one)
`;

/** The format of the notes `trove backup` writes into the copy, read by `trove restore`. */
export const BACKUP_FORMAT = 'trove-sqlite-backup/1';

/** `trove backup`: a consistent copy of the embedded store, taken while it serves. */
export const backupCommand: Command = {
  name: 'backup',
  async run(args, env) {
    const { settings, values, positionals } = parseCommandArgs(args, { to: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } });
    if (values.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(' ')}\n\n${USAGE}`);
    if (!values.to) throw new Error(`--to FILE is required.\n\n${USAGE}`);
    const config = loadConfig({ env, flags: settings });
    if (config.databaseUrl) {
      throw new Error('The store is PostgreSQL: back it up with pg_dump or a base backup, together with the master key and the object store (docs/postgres.md, "Backups").');
    }
    const source = sqliteFile(config.dataDir);
    if (!existsSync(source)) throw new Error(`There is no Trove store in ${config.dataDir} (no ${source}).`);
    const target = resolve(values.to);
    if (existsSync(target) && !values.force) throw new Error(`${target} exists; choose a new file, or pass --force to replace it.`);
    if (!existsSync(dirname(target))) throw new Error(`The folder ${dirname(target)} does not exist.`);

    // Written beside the target and renamed at the end: a backup cut short never has the final name.
    const partial = `${target}.partial-${process.pid}`;
    try {
      await copyDatabase(source, partial);
      const facts = inspectStoreFile(partial);
      const key = storeKey(facts, config);
      sealBackup(partial, {
        format: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        dataDir: resolve(config.dataDir),
        ...(key ? { masterKey: keyFingerprint(key.key) } : {}),
      });
      renameSync(partial, target);
      process.stdout.write(report(target, facts, key, config));
      return 0;
    } finally {
      rmSync(partial, { force: true });
    }
  },
};

/**
 * The configured master key that opens the store's key check, for the record (its fingerprint
 * only). Never creates a key file: a backup must not change the data directory.
 */
function storeKey(facts: StoreFileFacts, config: Config): MasterKey | undefined {
  const check = facts.settings.get(KEY_CHECK);
  if (!check) return undefined;
  const candidates: MasterKey[] = [];
  const file = resolve(config.dataDir, MASTER_KEY_FILE);
  if (config.auth.masterKey) {
    const { current, previous } = loadMasterKeys({ ...config.auth, dataDir: config.dataDir });
    candidates.push(current, ...(previous ? [previous] : []));
  } else if (existsSync(file)) {
    candidates.push({ key: readKeyFile(file), source: file });
  }
  return candidates.find((candidate) => opensKeyCheck(check, candidate.key));
}

function report(target: string, facts: StoreFileFacts, key: MasterKey | undefined, config: Config): string {
  const { counts } = facts;
  const buckets = folderStoreRoot(config.objectStore, config.dataDir);
  const mb = (statSync(target).size / 1_048_576).toFixed(1);
  return [
    `Backed up ${resolve(config.dataDir)} to ${target} (${mb} MB): ${counts.projects} Rekognition projects, ${counts.datasets} datasets, `
    + `${counts.agentcoreDatasets} AgentCore datasets, ${counts.credentials} credentials, ${counts.jobs} unfinished jobs.`,
    'Not in the backup; keep them safe, apart from it:',
    facts.settings.has(KEY_CHECK)
      ? `  - the master key ${key ? `${keyFingerprint(key.key)} (${key.source})` : '(not found here: TROVE_MASTER_KEY, or master.key of the data directory)'}: `
        + 'it decrypts the stored credentials; `trove restore` needs it (--master-key-file or TROVE_MASTER_KEY).'
      : '  - (no master key is needed: the store has never held credentials)',
    buckets
      ? `  - the objects of the folder store, ${resolve(buckets)} (manifests, images, example files): copy them with any file tool.`
      : '  - the objects in the S3 object store (not Trove\'s to copy).',
    '',
  ].join('\n');
}
