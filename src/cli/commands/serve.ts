import { loadConfig } from '../../config/load.js';
import { createLogger } from '../../observability/logger.js';
import { describeStore } from '../../store/create-store.js';
import { startTrove } from '../../trove.js';
import type { Command } from '../index.js';
import { parseSettingFlags } from '../flags.js';

/** `trove serve`: runs the service until SIGTERM or SIGINT, then shuts down gracefully. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'serve the AWS-compatible APIs (default 127.0.0.1:4599, data in ./.trove, or --database-url)',
  async run(args, env) {
    const config = loadConfig({ env, flags: parseSettingFlags(args) });
    const logger = createLogger(config.logLevel);
    const trove = await startTrove(config, logger);
    const reached = config.publicUrl ? `; clients reach it at ${config.publicUrl}` : '';
    process.stdout.write(`Trove is listening on ${trove.url} (${describeStore(config)})${reached}\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    await trove.close();
    logger.info('stopped');
    return 0;
  },
};
