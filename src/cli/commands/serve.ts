import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { loadConfig } from '../../config/load.js';
import { DirectoryInUseError } from '../../lib/dir-lock.js';
import { tuneHeapForServing } from '../../lib/v8-heap.js';
import { folderStoreRoot } from '../../object-store/create-object-store.js';
import { createLogger } from '../../observability/logger.js';
import { describeStore } from '../../store/create-store.js';
import { localPair, startTrove } from '../../trove.js';
import type { Trove } from '../../trove.js';
import { startBanner } from '../banner.js';
import type { Command } from '../index.js';
import { parseSettingFlags, settingsSection, wantsHelp } from '../flags.js';

/** `trove serve`: runs the service until SIGTERM or SIGINT, then shuts down gracefully; SIGHUP reloads certificate and master key. */
export const serveCommand: Command = {
  name: 'serve',
  async run(args, env) {
    if (wantsHelp(args)) {
      process.stdout.write(`Usage: trove serve [flags]\n\nServes the Rekognition, AgentCore and Trove APIs and the console until SIGTERM or Ctrl-C;\napplies pending store migrations at start-up. SIGHUP (kill -HUP <pid>) does not stop the server: it\nre-reads the TLS certificate and key and the master key without dropping a connection.\n\n${settingsSection()}`);
      return 0;
    }
    const config = loadConfig({ env, flags: parseSettingFlags(args) });
    const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
    const logger = createLogger(config.logLevel, pretty ? { pretty: { colors: process.stdout.isTTY === true } } : {});
    tuneHeapForServing();
    let trove: Trove;
    try {
      trove = await startTrove(config, logger);
    } catch (error) {
      throw explainStartFailure(error, config);
    }
    const folder = folderStoreRoot(config.objectStore, config.dataDir);
    process.stdout.write(startBanner({
      url: trove.url,
      publicUrl: config.publicUrl,
      store: config.databaseUrl ? describeStore(config) : `SQLite in ${resolve(config.dataDir)}`,
      localPair: (await localPair(config, trove.credentials)) !== null,
      bucketFolder: folder && resolve(folder),
      objectStore: config.objectStore.s3.endpoint ? `S3 API at ${config.objectStore.s3.endpoint}` : 'AWS S3',
    }));
    // SIGHUP re-reads the TLS certificate and the master key (renewed / rotated files); without
    // this handler Node's default for SIGHUP would end the process. trove.reload queues the
    // master-key part behind any still running, so the latest one settles after all before it. It
    // never rejects: each part logs its own failure, where the reason is known.
    let reloading = Promise.resolve();
    const reload = () => {
      logger.info({ signal: 'SIGHUP' }, 'reloading the TLS certificate and the master key');
      reloading = trove.reload();
    };
    process.on('SIGHUP', reload);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        resolve();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
    process.off('SIGHUP', reload);
    await reloading;
    await trove.close();
    logger.info('stopped');
    return 0;
  },
};

/** The two ways a second server fails to start, in one line that says what to do instead of a stack. */
function explainStartFailure(error: unknown, config: Config): unknown {
  if (error instanceof DirectoryInUseError) {
    return new Error(
      `another Trove (pid ${error.pid}) is already using the data directory ${resolve(error.dir)}. `
      + `Stop it first (Ctrl-C where it runs, or kill ${error.pid}), or give this one its own directory with --data-dir.`,
    );
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    return new Error(
      `port ${config.port} on ${config.host} is already in use (another Trove, or another program). `
      + `Stop it, or choose another port with --port (e.g. --port ${config.port + 1}; --port 0 takes any free port).`,
    );
  }
  return error;
}
