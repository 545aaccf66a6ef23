/**
 * What a deeply nested JSON body costs the server, against a flat body of the same size in the
 * same run: one 8 MiB `{"X":[[[...]]]}` sent to DescribeProjects (server CPU, RSS growth, answer),
 * then 24 at once while /_trove/health is polled (its slowest answer). The flat body
 * `{"X":"aaa..."}` is what any 8 MiB request costs anyway (receive, hash, parse).
 *
 *   npx tsx bench/hostile-json.ts
 */
import { readFileSync } from 'node:fs';
import { send, signRequest } from '../test/harness/sigv4.js';
import type { RawRequest } from '../test/harness/sigv4.js';
import { spawnBenchServer } from './agentcore-harness.js';

const BYTES = 8 * 1024 * 1024 - 1024;
const CONCURRENT = 24;

const deepBody = () => {
  const depth = Math.floor((BYTES - 8) / 2);
  return `{"X":${'['.repeat(depth)}${']'.repeat(depth)}}`;
};
const flatBody = () => `{"X":"${'a'.repeat(BYTES - 8)}"}`;

/** Server CPU seconds so far (utime + stime from /proc, 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) / 1024;
}

async function measure(server: { url: string; pid: number }, body: string) {
  const request: RawRequest = {
    method: 'POST', path: '/',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'RekognitionService.DescribeProjects', 'content-length': String(body.length) },
    body,
  };
  const signed = await signRequest(server.url, request, { accessKeyId: 'test', secretAccessKey: 'test', service: 'rekognition' });
  const rssBefore = rssMb(server.pid);
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(server.pid))), 10);
  const cpuBefore = cpuSeconds(server.pid);
  const started = Date.now();
  const one = await send(server.url, signed);
  const oneMs = Date.now() - started;
  const oneCpu = cpuSeconds(server.pid) - cpuBefore;
  const oneRss = rssPeak - rssBefore;

  // Many at once, while health is polled.
  let slowestHealth = 0;
  let healthFailures = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const at = Date.now();
      if (!(await fetch(`${server.url}/_trove/health`).then((r) => r.ok, () => false))) healthFailures++;
      slowestHealth = Math.max(slowestHealth, Date.now() - at);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const manyStarted = Date.now();
  const statuses = await Promise.all(Array.from({ length: CONCURRENT }, () => send(server.url, signed).then((r) => String(r.status), (e: Error) => e.message)));
  const manyMs = Date.now() - manyStarted;
  polling = false;
  await poll;
  clearInterval(sampler);
  return { status: one.status, type: one.headers['x-amzn-errortype'] ?? '-', oneMs, oneCpu, oneRss, manyMs, statuses: [...new Set(statuses)].join(','), slowestHealth, healthFailures };
}

const server = await spawnBenchServer();
try {
  const flat = await measure(server, flatBody());
  const deep = await measure(server, deepBody());
  const row = (label: string, m: typeof flat) => console.log(
    `${label.padEnd(22)} answer ${m.status} ${String(m.type).padEnd(24)} one: ${m.oneMs} ms, server CPU ${m.oneCpu.toFixed(2)} s, RSS +${m.oneRss.toFixed(0)} MB | `
    + `${CONCURRENT} at once: ${m.manyMs} ms (${m.statuses}), slowest health ${m.slowestHealth} ms, ${m.healthFailures} health failures`,
  );
  row('flat 8 MiB (baseline)', flat);
  row('deep 8 MiB', deep);
  console.log(`deep / flat: one request CPU x${(deep.oneCpu / Math.max(flat.oneCpu, 0.01)).toFixed(2)}, ${CONCURRENT} at once x${(deep.manyMs / flat.manyMs).toFixed(2)}, `
    + `slowest health x${(deep.slowestHealth / Math.max(flat.slowestHealth, 1)).toFixed(2)}`);
} finally {
  await server.close();
}
