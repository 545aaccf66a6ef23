import { open } from 'node:fs/promises';
import { jpegFrame, pngHeader, sniffFormat } from '../domain/rekognition/images/image-header.js';
import type { HeaderResult } from '../domain/rekognition/images/image-header.js';

const READ = 64 * 1024;
const MAX_READS = 16;

/**
 * The pixel size of a local PNG or JPEG, from its header (the parser the server's image checks
 * use), or undefined when the file is missing or not one of those: what `trove import` needs to
 * turn a local YOLO folder's normalised boxes into pixels.
 */
export async function localImageSize(path: string): Promise<{ width: number; height: number } | undefined> {
  let file;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await file.stat();
    const read = async (offset: number) => {
      const buffer = Buffer.alloc(Math.min(READ, Math.max(0, size - offset)));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
      return buffer.subarray(0, bytesRead);
    };
    const head = await read(0);
    const format = sniffFormat(head);
    let result: HeaderResult = format === 'PNG' ? pngHeader(head) : format === 'JPEG' ? jpegFrame(head, 0, 2, size) : { kind: 'invalid', detail: '' };
    for (let reads = 1; result.kind === 'need' && reads < MAX_READS; reads++) {
      const { offset } = result;
      result = jpegFrame(await read(offset), offset, offset, size);
    }
    return result.kind === 'image' ? { width: result.width, height: result.height } : undefined;
  } finally {
    await file.close();
  }
}
