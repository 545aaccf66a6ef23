import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ResourceNotFoundException } from '../../../src/api/trove/errors.js';
import { DownloadLinks } from '../../../src/domain/downloads/download-links.js';
import { DownloadGone, DownloadRefused, DownloadService } from '../../../src/domain/downloads/download-service.js';
import type { DownloadSource } from '../../../src/domain/downloads/download-service.js';
import { ExportService } from '../../../src/domain/exchange/export-service.js';
import type { RevisionOpener } from '../../../src/domain/exchange/export-service.js';
import { EntriesCollected } from '../../../src/domain/rekognition/history/revision-points.js';
import { systemClock } from '../../../src/lib/clock.js';
import { SignedTokenCodec } from '../../../src/lib/signed-token.js';
import { downloadRoutes } from '../../../src/server/routes/download-routes.js';
import { STORE_UNAVAILABLE, StoreUnavailableError } from '../../../src/store/store-unavailable-error.js';

/**
 * A body whose pieces come from `pieces` (an Error is thrown at its turn; a Promise is awaited
 * first), recording whether its reader closed it: what a source's pages would be, including the
 * first read failing because the dataset went meanwhile.
 */
function recordedBody(pieces: readonly (string | Error | Promise<string>)[]) {
  const state = { pulled: 0, closed: false };
  async function* body(): AsyncGenerator<string> {
    try {
      for (const piece of pieces) {
        state.pulled++;
        if (piece instanceof Error) throw piece;
        yield await piece;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, body: body() };
}

function serviceFor(body: AsyncIterable<string>): { service: DownloadService; token: string } {
  const links = new DownloadLinks(new SignedTokenCodec(randomBytes(32)), systemClock, 60_000);
  const source: DownloadSource = { open: async () => ({ status: 'ok', contentType: 'text/plain', body }) };
  const { path } = links.issue({ kind: 'test' }, 'file.txt');
  return { service: new DownloadService(links, { test: source }), token: path.split('/')[3] };
}

async function drain(body: AsyncIterable<string | Buffer>): Promise<string> {
  let text = '';
  for await (const piece of body) text += piece.toString();
  return text;
}

describe('download links: the first piece is read before the status', () => {
  it('answers gone when what the link pins went before the first piece, and closes the body', async () => {
    const { state, body } = recordedBody([new DownloadGone('The dataset no longer exists.')]);
    const { service, token } = serviceFor(body);
    expect(await service.open(token)).toEqual({ status: 'gone', message: 'The dataset no longer exists.' });
    expect(state.closed).toBe(true);
  });

  it('answers refused when the file cannot be made, before any byte', async () => {
    const { service, token } = serviceFor(recordedBody([new DownloadRefused('too many columns')]).body);
    expect(await service.open(token)).toEqual({ status: 'refused', message: 'too many columns' });
  });

  it('streams every piece, the first one included, once it was read', async () => {
    const { state, body } = recordedBody(['a', 'b', 'c']);
    const { service, token } = serviceFor(body);
    const opened = await service.open(token);
    expect(state.pulled).toBe(1);
    if (opened.status !== 'ok') throw new Error(opened.status);
    expect(await drain(opened.body)).toBe('abc');
    expect(state.closed).toBe(true);
  });

  it('fails the body (never a short file) when what the link pins goes after the first piece', async () => {
    const { body } = recordedBody(['a', new DownloadGone('gone meanwhile')]);
    const { service, token } = serviceFor(body);
    const opened = await service.open(token);
    if (opened.status !== 'ok') throw new Error(opened.status);
    await expect(drain(opened.body)).rejects.toThrow('gone meanwhile');
  });

  it('closes the body of a reader that stops before pulling anything', async () => {
    const { state, body } = recordedBody(['a', 'b']);
    const { service, token } = serviceFor(body);
    const opened = await service.open(token);
    if (opened.status !== 'ok') throw new Error(opened.status);
    await opened.body[Symbol.asyncIterator]().return?.();
    expect(state.closed).toBe(true);
  });
});

/** The route over real HTTP: statuses before the first byte, and a client that goes away. */
describe('download route over HTTP', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  async function serve(body: AsyncIterable<string>): Promise<string> {
    const { service, token } = serviceFor(body);
    const app = Fastify();
    await app.register(downloadRoutes, { prefix: '/_trove', open: (t) => service.open(t) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/_trove/downloads/${token}/file.txt`;
  }

  it('answers 404 NoSuchKey when the dataset went before the first byte', async () => {
    const url = await serve(recordedBody([new DownloadGone('The dataset no longer exists.')]).body);
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NoSuchKey', message: 'The dataset no longer exists.' });
  });

  it('answers 500 InternalError, without the error text, when the first read fails otherwise', async () => {
    const url = await serve(recordedBody([new Error('SQLITE_IOERR at /secret/path/trove.db')]).body);
    const response = await fetch(url);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('/secret/path');
  });

  it('closes the body when the client goes away while its first piece is read', async () => {
    let release!: (piece: string) => void;
    const slow = new Promise<string>((resolve) => { release = resolve; });
    const { state, body } = recordedBody([slow, 'never sent']);
    const url = await serve(body);
    const req = request(url);
    req.on('error', () => undefined);
    req.end();
    while (state.pulled === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release('first');
    for (let i = 0; i < 200 && !state.closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.closed).toBe(true);
    expect(state.pulled).toBe(1);
  });

  it('aborts the signal it opens with when the client goes before the first byte, and logs no failure', async () => {
    const { service, token } = serviceFor(recordedBody(['a']).body);
    let seen: AbortSignal | undefined;
    const errors: unknown[] = [];
    const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => { if (JSON.parse(line).level >= 50) errors.push(line); } } } });
    // A source whose first piece waits for the client to go, then stops as a page loop would.
    await app.register(downloadRoutes, {
      prefix: '/_trove',
      open: async (_t, signal) => {
        seen = signal;
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        signal.throwIfAborted();
        return service.open(token);
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    close = () => app.close();
    const req = request(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/_trove/downloads/${token}/file.txt`);
    req.on('error', () => undefined);
    req.end();
    for (let i = 0; i < 200 && !seen; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!seen) throw new Error('the route opened the link without a signal');
    expect(seen.aborted).toBe(false);
    req.destroy();
    for (let i = 0; i < 200 && !seen.aborted; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.aborted).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(errors).toEqual([]);
  });

  it('closes the body when the client goes away after the first bytes', async () => {
    const { state, body } = recordedBody(Array.from({ length: 10_000 }, () => 'x'.repeat(64 * 1024)));
    const url = await serve(body);
    const req = request(url);
    req.on('error', () => undefined);
    req.end();
    const [response] = await once(req, 'response') as [import('node:http').IncomingMessage];
    expect(response.statusCode).toBe(200);
    await once(response, 'data');
    req.destroy();
    for (let i = 0; i < 200 && !state.closed; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(10_000);
  });
});

/** A Rekognition export link whose revision cannot be opened: only "not found" is a 404 with its text. */
describe('export links: what opening the revision fails with', () => {
  const ARN = 'arn:aws:rekognition:us-east-1:111111111111:project/p/dataset/train/1700000000000';

  function exportLinkFailingWith(error: Error): { service: DownloadService; token: string } {
    const links = new DownloadLinks(new SignedTokenCodec(randomBytes(32)), systemClock, 60_000);
    const revisions: RevisionOpener = { openRevision: async () => { throw error; } };
    const exports = new ExportService({ links, revisions, agentcore: {} as never, clock: systemClock });
    const { path } = links.issue({ kind: 'rekognition', arn: ARN, revision: 2, format: 'manifest' }, 'file.manifest');
    return { service: new DownloadService(links, { rekognition: exports }), token: path.split('/')[3] };
  }

  it('answers gone for a dataset deleted or being deleted, or a revision collected', async () => {
    for (const error of [new ResourceNotFoundException(`The dataset ${ARN} no longer exists, or is being deleted.`), new EntriesCollected(2)]) {
      const { service, token } = exportLinkFailingWith(error);
      expect(await service.open(token)).toEqual({ status: 'gone', message: error.message });
    }
  });

  it('lets any other failure through, for the route to answer 500 without its text', async () => {
    const failure = new StoreUnavailableError(new Error('connect ECONNREFUSED 10.0.0.7:5432 (user trove)'));
    const { service, token } = exportLinkFailingWith(failure);
    await expect(service.open(token)).rejects.toBe(failure);
    const app = Fastify();
    await app.register(downloadRoutes, { prefix: '/_trove', open: (t) => service.open(t) });
    try {
      const response = await app.inject({ method: 'GET', url: `/_trove/downloads/${token}/file.manifest` });
      // The database-unavailable 500 every route answers (serverFault), never the failure's text.
      expect(response.statusCode).toBe(500);
      expect(response.json()).toEqual({ code: 'InternalError', message: STORE_UNAVAILABLE });
      expect(response.body).not.toContain('10.0.0.7');
    } finally {
      await app.close();
    }
  });
});
