import { describe, expect, it } from 'vitest';
import { entryContent } from '../../../src/domain/exchange/entry-content.js';
import { newImportStats } from '../../../src/domain/exchange/import-lines.js';
import { labelPathOf, yoloExport } from '../../../src/domain/exchange/yolo-export.js';
import { yoloToLines } from '../../../src/domain/exchange/yolo-import.js';
import { isSafeMemberName, readTar, tarHeader } from '../../../src/lib/tar.js';
import { detectionLine } from '../../harness/rekognition.js';
import { collect } from '../../harness/streams.js';

// A source-ref is text its writer chose (any key after s3://bucket/), and a YOLO export turns each
// key into a tar member name. Extracted with a tool that trusts member names (Python's tarfile
// before 3.14 wrote `labels/../../../../x.txt` outside the folder, here and in a manual check),
// such a name plants a file on the machine of whoever exports the dataset.

const HOSTILE = [
  's3://photos/../../../../../../tmp/planted.png',
  's3://photos/a/...png',
  's3://photos//etc/cron.d/job.png',
  's3://photos/win\\..\\..\\planted.png',
  's3://photos/line.png\ns3://elsewhere/injected.png',
  's3://photos/plain/cat.png',
];

async function* once(bytes: Buffer): AsyncGenerator<Buffer> {
  yield bytes;
}

describe('YOLO exports name only files inside the folder', () => {
  const lines = HOSTILE.map((ref) => detectionLine(ref, [{ label: 'x', left: 10, top: 20, width: 30, height: 40 }]));
  const source = { pages: async function* () { yield lines.map((line) => ({ line, sourceRef: entryContent(line).sourceRef })); } };

  it('writes safe member names and one images.txt line per image', async () => {
    const archive = Buffer.concat(await collect(yoloExport(source, 'test')));
    const files = await collect(readTar(once(archive), { maxBody: 1 << 20 }));
    expect(files.map((file) => file.name).filter((name) => !isSafeMemberName(name))).toEqual([]);
    expect(files.filter((file) => file.name.startsWith('labels/'))).toHaveLength(HOSTILE.length);
    const list = files.find((file) => file.name === 'images.txt')!.body!.toString().split('\n').filter(Boolean);
    expect(list).toHaveLength(HOSTILE.length);
    expect(list[4]).toBe('s3://photos/line.png%0As3://elsewhere/injected.png');
    expect(labelPathOf(HOSTILE[0])).toBe('labels/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/tmp/planted.txt');
    expect(labelPathOf(HOSTILE[1])).toBe('labels/a/%2E%2E.txt');
    expect(labelPathOf(HOSTILE[3])).toBe('labels/win%5C..%5C..%5Cplanted.txt');
    expect(labelPathOf('s3://photos/plain/cat.png')).toBe('labels/plain/cat.txt');
  });

  it('reads its own export back: every label file pairs with its image again', async () => {
    const archive = Buffer.concat(await collect(yoloExport(source, 'test')));
    const stats = newImportStats();
    const back = await collect(yoloToLines(() => readTar(once(archive), { maxBody: 1 << 20 }), {
      creationDate: '2026-01-01T00:00:00', maxImages: 100, imageSize: async () => ({ width: 640, height: 480 }),
    }, stats));
    expect(back.map((line) => entryContent(line).boxes.length)).toEqual(HOSTILE.map(() => 1));
    expect(stats.skippedBoxes + stats.skippedImages).toBe(0);
  });

  it('the tar writer itself refuses a member that could leave the folder', () => {
    for (const name of ['../x', 'a/../../x', '/etc/x', 'a\\..\\x', 'a\nb', '']) expect(() => tarHeader(name, 1), name).toThrow(/Refusing/);
    expect(tarHeader('labels/a/b.txt', 1)).toHaveLength(512);
  });
});
