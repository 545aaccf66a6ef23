import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../harness/server.js';
import type { TestServer } from '../../harness/server.js';
import { send } from '../../harness/sigv4.js';

describe('/_trove/console/: the console\'s files', () => {
  const assets = mkdtempSync(join(tmpdir(), 'trove-console-assets-'));
  let server: TestServer;
  beforeAll(async () => {
    mkdirSync(join(assets, 'assets'));
    writeFileSync(join(assets, 'index.html'), '<!doctype html><div id="root"></div><script type="module" src="/_trove/console/assets/app-1234.js"></script>');
    writeFileSync(join(assets, 'assets', 'app-1234.js'), 'console.log(1)');
    writeFileSync(join(assets, 'assets', 'app-1234.css'), 'body{}');
    server = await startServer({ console: { assetsDir: assets } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(assets, { recursive: true, force: true });
  });

  it('serves index.html for every page of the app, never cached, with a strict content security policy', async () => {
    for (const path of ['/_trove/console/', '/_trove/console/rekognition/dataset?arn=x', '/_trove/console/agentcore/diff']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(await response.text()).toContain('<div id="root">');
    }
    const bare = await fetch(`${server.url}/_trove/console`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([301, '/_trove/console/']);
  });

  it('serves hashed assets with their type, cached for a year', async () => {
    const js = await fetch(`${server.url}/_trove/console/assets/app-1234.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe('console.log(1)');
    const css = await fetch(`${server.url}/_trove/console/assets/app-1234.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a missing file and for anything outside the console folder', async () => {
    expect((await fetch(`${server.url}/_trove/console/assets/nope.js`)).status).toBe(404);
    for (const path of ['/_trove/console/assets/%2e%2e/%2e%2e/package.json', '/_trove/console/..%2f..%2fpackage.json', '/_trove/console/assets/..%5c..%5cpackage.json']) {
      const response = await send(server.url, { method: 'GET', path, headers: {} });
      expect(response.status, path).toBe(404);
    }
  });

  it('tells whether the local pair is in force and the largest import it takes, and nothing more', async () => {
    const before = await (await fetch(`${server.url}/_trove/console/config.json`)).json();
    const importUploadMaxBytes = 256 * 1024 * 1024; // --import-upload-max-bytes' default
    expect(before).toEqual({ localPair: { accessKeyId: 'test', secretAccessKey: 'test' }, defaultRegion: 'us-east-1', importUploadMaxBytes });
    await server.createCredential({ account: '123456789012' });
    const after = await (await fetch(`${server.url}/_trove/console/config.json`)).json();
    expect(after).toEqual({ localPair: null, defaultRegion: 'us-east-1', importUploadMaxBytes });
  });
});

describe('/_trove/console/ before the console is built', () => {
  it('answers 503 with a page that says how to build it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'trove-console-empty-'));
    const server = await startServer({ console: { assetsDir: empty } });
    try {
      const response = await fetch(`${server.url}/_trove/console/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build');
      expect((await fetch(`${server.url}/_trove/health`)).status).toBe(200);
    } finally {
      await server.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
