import { once } from 'node:events';
import { get } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';

/** A download that was opened and is never read: its socket is paused once the status line is in. */
export interface StalledDownload {
  readonly socket: Socket;
  /** The HTTP status, once the response has started. */
  status?: number;
}

/** Opens `url` with a raw GET and stops reading after the first bytes of the response. */
export async function stalledDownload(url: string): Promise<StalledDownload> {
  const target = new URL(url);
  const socket = connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  const state: StalledDownload = { socket };
  socket.write(`GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
  socket.once('data', (chunk: Buffer) => {
    state.status = Number(/^HTTP\/1\.1 (\d+)/.exec(chunk.toString('latin1'))?.[1]);
    socket.pause();
  });
  socket.on('error', () => undefined);
  return state;
}

/** Reads the whole body of `url`, pausing `pauseMs` after each chunk (a slow client); resolves to its status and bytes. */
export async function slowDownload(url: string, pauseMs: number): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        response.pause();
        setTimeout(() => response.resume(), pauseMs);
      });
      response.on('end', () => resolve({ status: response.statusCode!, body: Buffer.concat(parts) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}
