/**
 * Runs another benchmark with its Trove servers on PostgreSQL: starts an embedded PostgreSQL
 * (durable defaults), creates a fresh database, and runs the script with TROVE_DATABASE_URL (and a
 * shared TROVE_MASTER_KEY) in its environment, which every `trove serve` it spawns reads.
 * In-process baselines of that script stay what they are (e.g. better-sqlite3).
 *
 *   npm run build && npx tsx bench/postgres-run.ts bench/agentcore-update-examples.ts [its arguments]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { benchPostgres } from './lib/postgres.js';

const [script, ...args] = process.argv.slice(2);
if (!script) throw new Error('usage: npx tsx bench/postgres-run.ts <bench script> [arguments]');
const server = await benchPostgres(process.env.TROVE_BENCH_POSTGRES_URL);
const database = await server.database();
try {
  console.log(`PostgreSQL database ${new URL(database.url).pathname.slice(1)} at ${new URL(server.url).host}`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: 'inherit',
      env: { ...process.env, TROVE_DATABASE_URL: database.url, TROVE_MASTER_KEY: randomBytes(32).toString('hex') },
    });
    child.once('exit', resolve);
  });
  process.exitCode = code ?? 1;
} finally {
  await database.drop();
  await server.stop();
}
