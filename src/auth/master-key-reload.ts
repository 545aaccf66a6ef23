import { statSync } from 'node:fs';
import type { Logger } from 'pino';
import type { CredentialService } from './credential-service.js';
import { keyFingerprint, loadMasterKeys, masterKeyFile } from './master-key.js';

export interface MasterKeySettings {
  readonly masterKey?: string;
  readonly previousMasterKey?: string;
  readonly dataDir: string;
}

/**
 * Re-reads the configured master keys into a running server's CredentialService, so a rotated key
 * needs no restart: on SIGHUP, and by itself when a stored secret opens with none of the keys it
 * holds and `<data dir>/master.key` changed since it was read (rotate-master-key replaced it, or the
 * operator put the new key there before rotating elsewhere). A key that does not open the store's
 * secrets is refused with one log line, and the keys held so far stay in use.
 * TROVE_MASTER_KEY and TROVE_MASTER_KEY_PREVIOUS are the process's environment: they cannot change
 * while it runs, so only the key file is ever new.
 */
export class MasterKeyReloader {
  /** What the key file looked like when last read; undefined with the key in TROVE_MASTER_KEY. */
  #stamp: string | undefined;
  /** The reload running or queued: one at a time, and a burst of unopened secrets waits for it instead of starting more. */
  #running: Promise<boolean> | undefined;
  /**
   * The key file a reload last refused, and when: that same file is retried at most once a second
   * (the store may since have been rotated to it elsewhere); a file changed since is tried at once.
   */
  #refused: { stamp: string | undefined; at: number } | undefined;

  constructor(
    private readonly credentials: CredentialService,
    private readonly settings: MasterKeySettings,
    private readonly logger: Logger,
  ) {
    this.#stamp = this.#fileStamp();
    credentials.onUnopened(() => this.reloadIfFileChanged());
  }

  /**
   * Re-reads the keys (SIGHUP). Resolves true when they were taken, false when refused (logged).
   * After a reload already running, not instead of it: that one may have read the file before the
   * operator replaced it.
   */
  reload(reason: string): Promise<boolean> {
    // The one queue of reloads (SIGHUP and unopened secrets alike). #reload never rejects, so one
    // that failed cannot stop those after it.
    const next = (this.#running ?? Promise.resolve(false)).then(() => this.#reload(reason));
    this.#running = next;
    void next.finally(() => {
      if (this.#running === next) this.#running = undefined;
    });
    return next;
  }

  /**
   * Re-reads the keys only when the key file changed since it was last read: called for a secret
   * that opens with none of the keys, which a hostile or altered row can cause at will, so it
   * costs a stat() unless there really is a new file.
   */
  async reloadIfFileChanged(): Promise<boolean> {
    if (this.#running) return this.#running;
    const stamp = this.#fileStamp();
    if (stamp === undefined || stamp === this.#stamp) return false;
    if (stamp === this.#refused?.stamp && Date.now() - this.#refused.at < 1_000) return false;
    return this.reload('the store holds secrets the keys in memory do not open, and the key file changed');
  }

  async #reload(reason: string): Promise<boolean> {
    // Taken before reading: a file replaced again while this runs is read again next time. Kept
    // only once the keys are taken: a new key put in place before the store is rotated to it is
    // refused now and taken on a later try, after the rotation.
    const stamp = this.#fileStamp();
    try {
      const { current, previous } = loadMasterKeys(this.settings, false);
      const storeKey = await this.credentials.useKeys(current.key, { keySource: current.source, previousKey: previous?.key });
      this.logger.info({
        reason, masterKey: keyFingerprint(current.key), previousMasterKey: previous && keyFingerprint(previous.key),
        storeSealedWith: storeKey === 'current' ? 'masterKey' : 'previousMasterKey',
      }, 'master key reloaded');
      this.#stamp = stamp;
      return true;
    } catch (error) {
      // The one place a failed reload is logged, and why here: every failure ends here, a key the
      // store refuses or an unexpected one (the store unreadable), and only here are the reason
      // and the refused file known. So #reload never rejects, and its callers (the queue,
      // Trove.reload, `trove serve`'s SIGHUP handler) have nothing to catch or log.
      this.#refused = { stamp, at: Date.now() };
      this.logger.error({ reason, err: error instanceof Error ? error.message : String(error) }, 'master key NOT reloaded: still using the keys loaded before');
      return false;
    }
  }

  #fileStamp(): string | undefined {
    if (this.settings.masterKey !== undefined && this.settings.masterKey !== '') return undefined;
    try {
      const stat = statSync(masterKeyFile(this.settings.dataDir));
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
    } catch {
      return 'missing';
    }
  }
}
