import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll } from 'vitest';
import { chromiumMissing, launchChromium } from './browser.js';
import { startServer } from './server.js';
import type { ServerOptions, TestServer } from './server.js';

/** Why the console's browser tests cannot run here (no Chromium), or undefined. */
export const CHROMIUM_MISSING = chromiumMissing();
// Said once per test file, so a run without Chromium shows why its browser tests were skipped.
if (CHROMIUM_MISSING) console.warn(`Skipping the console's browser tests: ${CHROMIUM_MISSING}`);
const BUILT = join(import.meta.dirname, '../../dist/console/index.html');
/** `npm run screenshots` sets this to docs/screenshots; otherwise no screenshots are written. */
const SHOTS = process.env.TROVE_SCREENSHOTS;

// Code run in the page: the test code itself is type-checked without the DOM library.
export const loadedWidth = (img: Locator) => img.evaluate((element) => {
  const image = element as unknown as { complete: boolean; naturalWidth: number };
  return image.complete ? image.naturalWidth : 0;
});
export const focusedIndex = (page: Page) => page.evaluate<string | null>('document.activeElement?.getAttribute("data-index") ?? null');

export interface ConsoleSession {
  readonly server: TestServer;
  readonly browser: Browser;
  /** A new page (own browser context: storage, tabs) at `path` below /_trove/console, signed in by itself with the local pair. */
  signedIn(path?: string, size?: { width: number; height: number }): Promise<Page>;
  /**
   * A new page signed in through the console's form with `key` (a credential: the local pair no
   * longer signs in once one exists), then at `path` below /_trove/console if given.
   */
  signedInAs(key: { accessKeyId: string; secretAccessKey: string }, path?: string, size?: { width: number; height: number }): Promise<Page>;
  /** Saves a screenshot to docs/screenshots/<name>.png under `npm run screenshots`. */
  shot(page: Page | Locator, name: string): Promise<void>;
  /** Under `npm run screenshots`: the page at 1440x900 and 390x844, light and dark (<name>[-mobile][-dark].png). */
  shots(page: Page, name: string, ready?: () => Promise<void>): Promise<void>;
}

/**
 * A real Trove (SQLite unless `options` say otherwise; loopback, no credentials) with the data
 * `load` puts in it, and a headless Chromium, for one test file or one `describe.each(BACKENDS)`
 * block (vitest's beforeAll/afterAll). The built console must exist.
 */
export function consoleSession<T>(load: (server: TestServer) => Promise<T>, options: ServerOptions | (() => Promise<ServerOptions>) = {}): ConsoleSession & { readonly data: T } {
  const session = {} as { server: TestServer; browser: Browser; close: () => Promise<void>; data: T };
  beforeAll(async () => {
    if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` first (npm test does)`);
    session.server = await startServer(typeof options === 'function' ? await options() : options);
    session.data = await load(session.server);
    ({ browser: session.browser, close: session.close } = await launchChromium());
    if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await session.close?.();
    await session.server?.close();
  });
  return {
    get server() { return session.server; },
    get browser() { return session.browser; },
    get data() { return session.data; },
    async signedIn(path = '/', size = { width: 1440, height: 900 }) {
      const page = await session.browser.newPage({ viewport: size });
      page.on('pageerror', (error) => {
        throw error;
      });
      // Loopback bind, no credentials: the console signs in with the local pair by itself.
      await page.goto(`${session.server.url}/_trove/console${path}`);
      await page.locator('.top-bar').waitFor();
      return page;
    },
    async signedInAs(key, path, size = { width: 1440, height: 900 }) {
      const page = await session.browser.newPage({ viewport: size });
      await page.goto(`${session.server.url}/_trove/console/`);
      await page.fill('input[name=accessKeyId]', key.accessKeyId);
      await page.fill('input[name=secretAccessKey]', key.secretAccessKey);
      await page.click('button[type=submit]');
      await page.locator('.top-bar').waitFor();
      if (path !== undefined) await page.goto(`${session.server.url}/_trove/console${path}`);
      return page;
    },
    async shot(target, name) {
      if (SHOTS) await target.screenshot({ path: join(SHOTS, `${name}.png`) });
    },
    async shots(page, name, ready) {
      if (!SHOTS) return;
      const viewport = page.viewportSize()!;
      for (const [suffix, size] of [['', { width: 1440, height: 900 }], ['-mobile', { width: 390, height: 844 }]] as const) {
        for (const theme of ['light', 'dark'] as const) {
          await page.setViewportSize(size);
          await page.emulateMedia({ colorScheme: theme });
          await page.waitForTimeout(250);
          await ready?.();
          // Palette PNGs: a third of the size, no visible difference for a UI.
          const png = await page.screenshot();
          await sharp(png).png({ palette: true, quality: 85, effort: 10 }).toFile(join(SHOTS, `${name}${suffix}${theme === 'dark' ? '-dark' : ''}.png`));
        }
      }
      await page.emulateMedia({ colorScheme: null });
      await page.setViewportSize(viewport);
    },
  };
}
