import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { EXAMPLE_VALIDATORS_ID, exampleValidatorsModule } from './build/example-validators.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** `npx vite --config console/vite.config.ts` serves the console with live reload, against this Trove. */
const TROVE = process.env.TROVE_URL ?? 'http://127.0.0.1:4599';

/** The server's AgentCore example schemas as generated validation code (build/example-validators.ts). */
function exampleValidators(): Plugin {
  const resolved = `\0${EXAMPLE_VALIDATORS_ID}`;
  return {
    name: 'trove-example-validators',
    resolveId: (id) => (id === EXAMPLE_VALIDATORS_ID ? resolved : undefined),
    load: (id) => (id === resolved ? exampleValidatorsModule() : undefined),
  };
}

/**
 * The web console, built into dist/console/ and served by Trove under /_trove/console/
 * (src/server/routes/console-routes.ts). Hashed asset names let the server cache them forever.
 */
export default defineConfig({
  root,
  base: '/_trove/console/',
  plugins: [react(), exampleValidators()],
  logLevel: 'warn',
  // Development only: everything but the console itself goes to Trove. The Host header is kept
  // (no changeOrigin), so the signatures the browser computed still match.
  server: {
    proxy: {
      '^/(?!_trove/console/)': { target: TROVE },
      '/_trove/console/config.json': { target: TROVE },
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/console/', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsDir: 'assets',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
});
