import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** What the console may know before sign-in: never a secret, only whether the local pair works. */
export interface ConsoleConfig {
  /**
   * The documented local pair (test/test, README "Point your code at Trove") when Trove accepts
   * it: a loopback bind with no credential created. Null otherwise.
   */
  readonly localPair: { readonly accessKeyId: string; readonly secretAccessKey: string } | null;
  readonly defaultRegion: string;
  /**
   * The largest file UploadDatasetImport accepts (`--import-upload-max-bytes`): the console's
   * import says it, and refuses a larger file, before sending any of it.
   */
  readonly importUploadMaxBytes: number;
}

export interface ConsoleRoutesOptions {
  /** The built console (vite's output, dist/console/). */
  readonly assetsDir: string;
  readonly config: () => Promise<ConsoleConfig>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The console is data from other people's datasets shown in a page that holds a signing key:
 * scripts only from Trove itself, no framing, no referrer leaking signed image URLs.
 */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
    + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * `/_trove/console/`: the web console's files. Hashed assets are cached for a year; every other
 * path is a page of the single-page app and gets index.html (never cached, so a rebuilt console
 * is picked up at once). Before `npm run build` has produced the console, pages answer 503 and
 * say how to build it.
 */
export async function consoleRoutes(app: FastifyInstance, options: ConsoleRoutesOptions): Promise<void> {
  const root = resolve(options.assetsDir);

  app.get('/console', async (_request, reply) => reply.redirect('/_trove/console/', 301));

  app.get('/console/config.json', async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send(await options.config());
  });

  app.get('/console/*', async (request, reply) => {
    const rest = (request.params as { '*': string })['*'];
    const asset = rest.startsWith('assets/') || /\.[a-z0-9]+$/i.test(rest);
    if (asset) {
      const file = await fileIn(root, rest);
      if (file) return sendFile(reply, file, rest.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send(`No such console file: ${rest}\n`);
    }
    const index = await fileIn(root, 'index.html');
    if (!index) return reply.code(503).headers(PAGE_HEADERS).header('content-type', 'text/html; charset=utf-8').send(NOT_BUILT);
    return sendFile(reply.headers(PAGE_HEADERS), index, 'no-cache');
  });
}

/** The regular file at `path` inside `root`, or undefined (also for anything outside it). */
async function fileIn(root: string, path: string): Promise<{ path: string; size: number } | undefined> {
  // Fastify has already percent-decoded the wildcard; `..` and the like must stay inside root.
  const full = resolve(join(root, path));
  if (!full.startsWith(root + sep) || path.includes('\0')) return undefined;
  const info = await stat(full).catch(() => undefined);
  return info?.isFile() ? { path: full, size: info.size } : undefined;
}

function sendFile(reply: FastifyReply, file: { path: string; size: number }, cacheControl: string): FastifyReply {
  return reply
    .header('content-type', TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream')
    .header('content-length', String(file.size))
    .header('cache-control', cacheControl)
    .header('x-content-type-options', 'nosniff')
    .send(createReadStream(file.path));
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trove console not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The console has not been built</h1>
<p>Trove is running, but the web console's files are missing. Build them with
<code>npm run build</code> (or <code>npm install</code>, which builds everything) and reload this page.</p>
<p>The AWS APIs work without the console.</p>
</body></html>
`;
