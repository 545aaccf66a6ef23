import { loadConfig } from '../../config/load.js';
import { createStore, describeStore } from '../../store/create-store.js';
import type { Command } from '../index.js';
import { parseSettingFlags } from '../flags.js';

/** `trove migrate`: applies pending store migrations and exits (serve also does this at start-up). */
export const migrateCommand: Command = {
  name: 'migrate',
  async run(args, env) {
    const config = loadConfig({ env, flags: parseSettingFlags(args) });
    const store = await createStore(config);
    await store.close();
    process.stdout.write(`Store (${describeStore(config)}) is up to date.\n`);
    return 0;
  },
};
