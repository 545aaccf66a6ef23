import { readFileSync } from 'node:fs';
import { isLoopbackHost } from '../auth/loopback.js';
import type { Config } from '../config/schema.js';

/** Whether and how `GET /_trove/metrics` is served. */
export type MetricsAccess =
  | { readonly serve: false; readonly reason: string }
  | { readonly serve: true; readonly token?: string };

/**
 * Decides from the configuration, once at start-up. Metrics say how busy a server is and what
 * its datasets fail with, never whose data it holds, yet they are nobody's business off the
 * machine: on a loopback bind they are open (`auto`, the default); elsewhere they need a bearer
 * token, or are off. A configured token is required on every bind. `on` without a token on a
 * non-loopback bind is refused outright, rather than quietly served to the network or not at all.
 */
export function metricsAccess(
  metrics: Config['metrics'], host: string, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): MetricsAccess {
  if (metrics.mode === 'off') return { serve: false, reason: '--metrics off' };
  const token = tokenOf(metrics, readFile);
  if (token !== undefined) return { serve: true, token };
  if (isLoopbackHost(host)) return { serve: true };
  if (metrics.mode === 'on') {
    throw new Error(`Refusing to serve /_trove/metrics on ${host} without a token: it is not a loopback address. `
      + 'Set TROVE_METRICS_TOKEN (or --metrics-token-file FILE), or --metrics off.');
  }
  return { serve: false, reason: `${host} is not a loopback address and no metrics token is set (TROVE_METRICS_TOKEN or --metrics-token-file)` };
}

function tokenOf(metrics: Config['metrics'], readFile: (path: string) => string): string | undefined {
  let token = metrics.token;
  if (token === undefined && metrics.tokenFile !== undefined) {
    try {
      token = readFile(metrics.tokenFile);
    } catch (error) {
      throw new Error(`--metrics-token-file ${metrics.tokenFile}: ${(error as Error).message}`);
    }
  }
  if (token === undefined) return undefined;
  const trimmed = token.trim();
  // A bearer token travels in a header: visible ASCII only, and long enough not to be guessed.
  if (!/^[\x21-\x7e]{16,}$/.test(trimmed)) throw new Error('The metrics token must be at least 16 visible ASCII characters (e.g. `openssl rand -hex 32`).');
  return trimmed;
}
