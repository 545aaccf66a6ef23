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
    const store = await createStore(config);
    await store.close();
    process.stdout.write(`Store (${describeStore(config)}) is up to date.\n`);
    return 0;
  },
};
