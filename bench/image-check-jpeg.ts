/**
 * The JPEG image check in process, over a folder store: time, ranged reads and bytes read per
 * check for a plain JPEG (the common case: the head and the last 1 KB), a Motion Photo (an MP4
 * of 400 KB after the image, located by its XMP), a multi-picture file with an unnamed trailer
 * (located by its MPF index), a JPEG cut in half (every step, the 64 KB end scan included), and
 * a hostile one: cut, with four 64 KB XMP segments shaped to make backtracking regexes quadratic
 * (each segment is parsed; fewer checks, `--hostile-checks`, as a quadratic parser takes seconds).
 * To compare with another build, copy this file next to that build's src/ and run it there.
 *
 *   npx tsx bench/image-check-jpeg.ts [--checks 2000] [--hostile-checks 20] [--rounds 5]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImageChecker } from '../src/domain/rekognition/images/image-checker.js';
import { FolderObjectStore } from '../src/object-store/folder-object-store.js';
import type { ObjectRange, ObjectRef } from '../src/object-store/object-store.js';
import { appSegment, motionPhoto, mpfFile, noise, realJpeg, withSegments } from '../test/harness/phone-jpegs.js';

const { values } = parseArgs({
  options: { checks: { type: 'string', default: '2000' }, 'hostile-checks': { type: 'string', default: '20' }, rounds: { type: 'string', default: '5' } },
});
const ROUNDS = Number(values.rounds);

const primary = realJpeg(320, 240);
const files: Record<string, Buffer> = {
  plain: primary,
  'motion photo': motionPhoto(primary, 400 * 1024),
  'MPF + trailer': Buffer.concat([mpfFile(primary, realJpeg(400, 300, true)), noise(5000, 3)]),
  'cut in half': primary.subarray(0, primary.length / 2),
  'hostile XMP': (() => {
    const packet = Buffer.alloc(65533 - 29, 'a', 'latin1');
    packet.write('<Item ', 0, 'latin1');
    packet.write('><Item x>', packet.length - 9, 'latin1');
    const segment = appSegment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), packet]));
    return withSegments(primary.subarray(0, primary.length / 2), segment, segment, segment, segment);
  })(),
};
const checksOf = (name: string) => Number(name === 'hostile XMP' ? values['hostile-checks'] : values.checks);

const root = mkdtempSync(join(tmpdir(), 'bench-jpeg-'));
try {
  mkdirSync(join(root, 'imgs'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(root, 'imgs', `${name}.jpg`), bytes);
  const store = new FolderObjectStore(root);
  const read = { ranges: 0, bytes: 0 };
  const counting = Object.assign(Object.create(store) as FolderObjectStore, {
    readRange: async (ref: ObjectRef, offset: number, length: number): Promise<ObjectRange> => {
      const range = await store.readRange(ref, offset, length);
      read.ranges++;
      read.bytes += range.bytes.length;
      return range;
    },
  });
  const checker = new ImageChecker(counting);
  for (const name of Object.keys(files)) {
    const ref = `s3://imgs/${name}.jpg`;
    const CHECKS = checksOf(name);
    const times: number[] = [];
    let outcome = '';
    for (let round = 0; round <= ROUNDS; round++) {
      read.ranges = 0;
      read.bytes = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < CHECKS; i++) {
        const found = await checker.check(ref, { declaredSizes: [] });
        outcome = found?.[0]?.detail ?? 'ok';
      }
      // Round 0 warms up.
      if (round > 0) times.push(Number(process.hrtime.bigint() - start) / 1000 / CHECKS);
    }
    times.sort((a, b) => a - b);
    console.log(`${name.padEnd(14)} ${(files[name].length / 1024).toFixed(0).padStart(4)} KB: median ${times[times.length >> 1].toFixed(1)} us a check (${times[0].toFixed(1)}-${times[times.length - 1].toFixed(1)}), `
      + `${read.ranges / CHECKS} reads, ${(read.bytes / CHECKS / 1024).toFixed(1)} KB read; ${outcome}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
