/**
 * What counting a large YOLO label file costs (labelRowCounter, the scanner the import's tar reader
 * streams a label file past 64 MiB through), on ordinary rows and on hostile ones: blank lines
 * ("\n"), lines of spaces ("  \n"), and lines starting with a non-ASCII space (U+3000, decoded).
 * Then the whole conversion of a .tar.gz holding one 256 MiB label file of newlines (about 260 KB
 * compressed), as the import job reads it: CPU seconds, and the count.
 *
 *   npx tsx bench/yolo-label-count.ts
 */
import { gzipSync } from 'node:zlib';
import { newImportStats } from '../src/domain/exchange/import-lines.js';
import { labelRowCounter, yoloToLines } from '../src/domain/exchange/yolo-import.js';
import { readTar, tarEnd, tarEntry, tarHeader, tarPadding } from '../src/lib/tar.js';

const MIB = 1024 * 1024;
const PIECE = 16 * 1024;

function rate(name: string, line: string, mib: number): void {
  const bytes = Buffer.from(line.repeat(Math.ceil((mib * MIB) / Buffer.byteLength(line)))).subarray(0, mib * MIB);
  const counter = labelRowCounter();
  const start = process.cpuUsage();
  for (let at = 0; at < bytes.length; at += PIECE) counter.add(bytes.subarray(at, at + PIECE));
  const rows = counter.result();
  const used = process.cpuUsage(start);
  const seconds = (used.user + used.system) / 1e6;
  console.log(`${name.padEnd(22)} ${mib} MiB  ${(mib / seconds).toFixed(0).padStart(5)} MiB/s  rows ${rows}`);
}

async function hostileArchive(): Promise<void> {
  const size = 256 * MIB;
  const body = Buffer.alloc(size, 0x0a);
  const tar = Buffer.concat([
    tarEntry({ name: 'data.yaml', body: 'names: [cat]\n' }), tarEntry({ name: 'images.txt', body: 's3://imgs/a.png\n' }),
    tarHeader('labels/big.txt', size), body, tarPadding(size), tarEnd(),
  ]);
  const gz = gzipSync(tar);
  const keep = (name: string) => /\.(txt|ya?ml)$/i.test(name);
  const stats = newImportStats();
  const start = process.cpuUsage();
  const wall = Date.now();
  let lines = 0;
  for await (const _line of yoloToLines((pass) => readTar((async function* () {
    for (let at = 0; at < gz.length; at += 256 * 1024) yield gz.subarray(at, at + 256 * 1024);
  })(), { maxBody: 64 * MIB, keep, scanLarge: pass === 'labels' ? (name) => (name.endsWith('.txt') ? labelRowCounter() : undefined) : undefined }), {
    creationDate: '2026-01-01T00:00:00', maxImages: 100, imageSize: async () => ({ width: 1, height: 1 }),
  }, stats)) lines++;
  const used = process.cpuUsage(start);
  console.log(`.tar.gz of ${gz.length} bytes, a 256 MiB label file of newlines: ${((used.user + used.system) / 1e6).toFixed(1)} s CPU, ${((Date.now() - wall) / 1000).toFixed(1)} s wall, ${lines} line(s), left out ${JSON.stringify(stats.leftOut)}`);
}

rate('rows "0 0.5 0.5 .1 .1"', '0 0.5 0.5 0.25 0.25\n', 256);
rate('blank lines "\\n"', '\n', 256);
rate('spaces "  \\n"', '  \n', 256);
rate('comments "# c\\n"', '# c\n', 256);
rate('U+3000 then a row', '\u3000 0 1 1 1 1\n', 64);
await hostileArchive();
