import { createServer, Socket } from 'node:net';
import type { Server } from 'node:net';

export interface TcpProxy {
  /** Port the proxy listens on (127.0.0.1). */
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Simulates losing the database: open connections are reset and new ones refused. */
  cut(): Promise<void>;
  /**
   * Like `cut`, but the port stays open and each new connection is reset as it arrives, so a test
   * can wait for a client's first attempt (`attempted`) instead of guessing how long it takes.
   */
  refuse(): Promise<{ readonly attempted: Promise<void> }>;
  /** The database is back: connections are accepted again, on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP pass-through to `target` that a test can cut and restore, to lose the connection to a
 * real server (here PostgreSQL) in the middle of work without stopping the server itself.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  /** Set while refusing: called with each connection, which is reset instead of forwarded. */
  let refusing: (() => void) | undefined;

  const listen = () => new Promise<void>((resolve, reject) => {
    const next = createServer((client) => {
      if (refusing) {
        refusing();
        client.resetAndDestroy();
        return;
      }
      const upstream = new Socket();
      sockets.add(client).add(upstream);
      const forget = () => {
        sockets.delete(client);
        sockets.delete(upstream);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', forget).on('close', forget);
      upstream.on('error', forget).on('close', forget);
      upstream.connect(target.port, target.host, () => {
        client.pipe(upstream);
        upstream.pipe(client);
      });
    });
    next.once('error', reject);
    next.listen(port, '127.0.0.1', () => {
      const address = next.address();
      port = typeof address === 'object' && address ? address.port : port;
      server = next;
      resolve();
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    refusing = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (!server) return resolve();
    server.close(() => resolve());
    server = undefined;
  });

  await listen();
  return {
    port,
    via(url) {
      const parsed = new URL(url);
      parsed.hostname = '127.0.0.1';
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: stop,
    async refuse() {
      await stop();
      const attempted = new Promise<void>((resolve) => void (refusing = resolve));
      await listen();
      return { attempted };
    },
    async restore() {
      if (refusing) await stop();
      await listen();
    },
    close: stop,
  };
}
