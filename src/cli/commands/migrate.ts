import { loadConfig } from '../../config/load.js';
import { createStore, describeStore } from '../../store/create-store.js';
import type { Command } from '../index.js';
import { parseSettingFlags, settingsSection, wantsHelp } from '../flags.js';

/** `trove migrate`: applies pending store migrations and exits (serve also does this at start-up). */
export const migrateCommand: Command = {
  name: 'migrate',
  async run(args, env) {
    if (wantsHelp(args)) {
      process.stdout.write(`Usage: trove migrate [--data-dir DIR | --database-url URL]\n\nApplies pending store migrations and exits (\`trove serve\` also does it at start-up).\nIt reads the same settings as serve:\n\n${settingsSection()}`);
      return 0;
    }
    const config = loadConfig({ env, flags: parseSettingFlags(args) });
    // What serve would log as a warning (e.g. the login role's serial-plans default refused: the
    // operator must then set it, docs/postgres.md), said here on stderr, once.
    const store = await createStore({ ...config, onWarning: (message) => process.stderr.write(`Warning: ${message}\n`) });
    await store.close();
    process.stdout.write(`Store (${describeStore(config)}) is up to date.\n`);
    return 0;
  },
};
