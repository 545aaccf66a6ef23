/**
 * A/B of UpdateDatasetExamples (1,000 examples of ~1 KB) between builds, in one process: each
 * argument is a worktree whose `npm run build:server` output (dist/) is started in-process; the
 * request goes through Fastify by `app.inject` (no socket), pre-serialised and pre-signed, and
 * GetDataset is polled until ACTIVE, the builds' rounds interleaved (order alternating). Reported:
 * wall time to ACTIVE and the main thread's CPU time (schedstat; SQLite's synced commit waits
 * off-CPU), which moves far less with the machine's load than wall time does.
 *
 *   npx tsx bench/agentcore-update-ab.ts [rounds] <worktree A> <worktree B> ...
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { signRequest } from '../test/harness/sigv4.js';
import { example, filledDataset } from './agentcore-harness.js';
import { ListDatasetExamplesCommand, BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
const ROUNDS = Number(process.argv[2] ?? 40);
const dirs = process.argv.slice(3);
const mainCpu = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
const median = (a: number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const signing = { accessKeyId: 'test', secretAccessKey: 'test', region: 'us-east-1', service: 'bedrock-agentcore' };
const sides: any[] = [];
for (const dir of dirs) {
  const { loadConfig } = await import(`${dir}/dist/config/load.js`);
  const { startTrove } = await import(`${dir}/dist/trove.js`);
  const { createLogger } = await import(`${dir}/dist/observability/logger.js`);
  const dataDir = mkdtempSync('/tmp/trove-inproc-');
  const trove = await startTrove(loadConfig({ overrides: { host: '127.0.0.1', port: 0, dataDir, logLevel: 'silent' } }), createLogger('silent'));
  const client = new BedrockAgentCoreControlClient({ endpoint: trove.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const datasetId = await filledDataset(client, 'inproc', 1000, 1000);
  const ids = (await client.send(new ListDatasetExamplesCommand({ datasetId }))).examples!.map((e: any) => e.exampleId);
  const poll = await signRequest(trove.url, { method: 'GET', path: `/datasets/${datasetId}`, headers: {} }, signing);
  sides.push({ dir, dataDir, trove, client, datasetId, ids, poll, wall: [] as number[], cpu: [] as number[], cpu202: [] as number[] });
}
for (let round = -5; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? sides : [...sides].reverse();
  for (const s of order) {
    const examples = s.ids.map((exampleId: string, i: number) => ({ exampleId, ...example(`p${round}-${i}`) }));
    const body = JSON.stringify({ examples, clientToken: randomUUID() });
    const path = `/datasets/${s.datasetId}/examples/update`;
    const request = await signRequest(s.trove.url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body }, signing);
    await new Promise((r) => setTimeout(r, 60));
    const c0 = mainCpu();
    const t0 = performance.now();
    const res = await s.trove.app.inject({ method: 'POST', url: path, headers: request.headers, payload: body });
    if (res.statusCode !== 202) throw new Error(`answered ${res.statusCode} ${res.body}`);
    const c1 = mainCpu();
    for (;;) {
      const r = await s.trove.app.inject({ method: 'GET', url: `/datasets/${s.datasetId}`, headers: s.poll.headers });
      if (!['UPDATING', 'CREATING'].includes(JSON.parse(r.body).status)) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const wall = performance.now() - t0;
    const cpu = mainCpu() - c0;
    if (round >= 0) { s.wall.push(wall); s.cpu.push(cpu); s.cpu202.push(c1 - c0); }
  }
}
for (const s of sides) {
  console.log(`${s.dir}: wall to ACTIVE med ${median(s.wall).toFixed(2)} min ${Math.min(...s.wall).toFixed(2)} | main-thread CPU to ACTIVE med ${median(s.cpu).toFixed(2)} min ${Math.min(...s.cpu).toFixed(2)} | CPU to 202 med ${median(s.cpu202).toFixed(2)}`);
  s.client.destroy();
  await s.trove.close();
  rmSync(s.dataDir, { recursive: true, force: true });
}
