import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesText, formatProblem, imagesProblem, sizeProblem, sniff, SNIFF_BYTES } from '../../../console/src/rekognition/import-file.js';
import { uploadName } from '../../../src/client/upload-name.js';
import { tarEnd, tarEntry } from '../../../src/lib/tar.js';

const head = (bytes: Buffer) => new Uint8Array(bytes.subarray(0, SNIFF_BYTES));
const tar = Buffer.concat([tarEntry({ name: 'data.yaml', body: 'names: [car]\n' }), tarEnd()]);

describe('a local file to import: its format by its first bytes, and what the server would refuse', () => {
  it('tells a COCO file (a JSON object, after a byte-order mark or blanks) from a tar and a gzipped tar', () => {
    expect(sniff(head(Buffer.from('{"images": []}')))).toBe('COCO');
    expect(sniff(head(Buffer.from('\ufeff \n\t{"images": []}')))).toBe('COCO');
    expect(sniff(head(tar))).toBe('YOLO');
    expect(sniff(head(gzipSync(tar)))).toBe('YOLO');
    expect(sniff(head(Buffer.from('[{"images": []}]')))).toBeUndefined();
    expect(sniff(head(Buffer.from('images: none')))).toBeUndefined();
    expect(sniff(new Uint8Array())).toBeUndefined();
  });

  it('says why a file is not the format chosen, and which it is when it is the other', () => {
    expect(formatProblem('COCO', head(Buffer.from('{}')))).toBeUndefined();
    expect(formatProblem('YOLO', head(tar))).toBeUndefined();
    expect(formatProblem('COCO', head(tar))).toBe('This is a tar archive, not a COCO file: import it as YOLO.');
    expect(formatProblem('YOLO', head(Buffer.from('{}')))).toBe('This is a JSON file, not a YOLO tar: import it as COCO.');
    expect(formatProblem('COCO', head(Buffer.from('[]')))).toMatch(/^This is not a COCO file: a COCO instances file is a JSON object/);
    expect(formatProblem('YOLO', head(Buffer.from('PK\u0003\u0004')))).toMatch(/^This is not a tar archive \(nor a gzipped one\)/);
    expect(formatProblem('COCO', new Uint8Array())).toBe('The file is empty.');
  });

  it('refuses a file over the server\'s limit, naming both sizes, and nothing when the limit is not known', () => {
    expect(sizeProblem(256 * 1024 * 1024, 256 * 1024 * 1024)).toBeUndefined();
    expect(sizeProblem(256 * 1024 * 1024 + 1, 256 * 1024 * 1024)).toMatch(/^The file is 256 MiB: this server imports files of at most 256 MiB \(--import-upload-max-bytes\)/);
    expect(sizeProblem(10 ** 12, undefined)).toBeUndefined();
  });

  it('checks the images folder\'s shape (the server checks the rest), and makes a name the server takes', () => {
    expect(imagesProblem('')).toBeUndefined();
    expect(imagesProblem('s3://photos/train/')).toBeUndefined();
    expect(imagesProblem('photos/train/')).toMatch(/s3:\/\//);
    expect(imagesProblem('s3://photos/train')).toMatch(/ends with \//);
    expect(uploadName('flowers.json')).toBe('flowers.json');
    expect(uploadName('a\u0001b\\c/d')).toBe('a_b_c_d');
    expect(uploadName('x'.repeat(300))).toHaveLength(255);
    expect(uploadName('')).toBe('upload');
  });

  it('cuts a long name between code points, so it stays text (the same helper names bin/trove\'s uploads)', () => {
    // 254 units, then an emoji (a surrogate pair): cutting at 255 units would keep half of it.
    const name = uploadName(`${'x'.repeat(254)}\u{1F339}.json`);
    expect(name).toBe('x'.repeat(254));
    expect(() => encodeURIComponent(name)).not.toThrow();
    expect(uploadName('\u{1F339}'.repeat(200))).toBe('\u{1F339}'.repeat(127));
  });

  it('writes sizes in binary units, as the limits are set', () => {
    expect([0, 1, 900, 1024, 1536, 96 * 1024, 588 * 1024 + 300, 256 * 1024 * 1024, 3 * 1024 ** 3].map(bytesText)).toEqual([
      '0 bytes', '1 byte', '900 bytes', '1 KiB', '1.5 KiB', '96 KiB', '588 KiB', '256 MiB', '3 GiB',
    ]);
  });
});
