import { pipeline } from 'node:stream';
// Tar (POSIX ustar, with pax headers for long names), written and read as streams. Tar has no
// central directory, so an archive of any number of files is written and read in constant
// memory: what YOLO exports are served as, and what YOLO imports read. Only regular files are
// written; a reader skips everything else (directories, links, devices).

import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;
const ZEROS = Buffer.alloc(BLOCK * 2);
const EMPTY = Buffer.alloc(0);

/** One file for the writer: its path inside the archive and its bytes. */
export interface TarFile {
  readonly name: string;
  readonly body: Buffer | string;
}

/** The header (and pax header, for a long name) plus padded content of one file. */
export function tarEntry(file: TarFile, mtime = 0): Buffer {
  const body = typeof file.body === 'string' ? Buffer.from(file.body) : file.body;
  return Buffer.concat([tarHeader(file.name, body.length, mtime), body, tarPadding(body.length)]);
}

/**
 * The header block(s) of a file of `size` bytes, for content streamed after it (followed by
 * `tarPadding(size)`): a name too long for ustar gets a pax header before it.
 */
export function tarHeader(path: string, size: number, mtime = 0): Buffer {
  // What Trove writes is extracted by other people's tools: never a member that could land outside their folder.
  if (!isSafeMemberName(path)) throw new Error(`Refusing to write the tar member ${JSON.stringify(path.slice(0, 200))}: not a plain relative path.`);
  const split = splitName(path);
  if (split) return header({ ...split, size, type: '0', mtime });
  // pax: a record "<length> path=<name>\n" whose length counts itself.
  const record = (length: number) => `${length} path=${path}\n`;
  let length = Buffer.byteLength(record(0));
  while (Buffer.byteLength(record(length)) !== length) length = Buffer.byteLength(record(length));
  const pax = Buffer.from(record(length));
  return Buffer.concat([
    header({ name: 'PaxHeader', prefix: '', size: pax.length, type: 'x', mtime }), pax, tarPadding(pax.length),
    header({ name: Buffer.from(path).subarray(-100).toString('latin1').replace(/[^\x20-\x7e]/g, '_'), prefix: '', size, type: '0', mtime }),
  ]);
}

/** A relative path without `..` segments, backslashes or control characters: extracted inside any folder by any tool. */
export function isSafeMemberName(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !/[\x00-\x1f\x7f\\]/.test(path) && !path.split('/').includes('..');
}

/** The zero bytes that fill a file of `size` bytes up to a whole block. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return rest === 0 ? EMPTY : Buffer.alloc(BLOCK - rest);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return ZEROS;
}

/** A ustar name: up to 100 bytes, or a prefix of up to 155 bytes and a name, split at a `/`. */
function splitName(path: string): { name: string; prefix: string } | undefined {
  if (Buffer.byteLength(path) <= 100 && /^[\x20-\x7e]*$/.test(path)) return { name: path, prefix: '' };
  if (!/^[\x20-\x7e]*$/.test(path)) return undefined;
  for (let cut = path.indexOf('/'); cut >= 0; cut = path.indexOf('/', cut + 1)) {
    if (cut <= 155 && path.length - cut - 1 <= 100 && path.length - cut - 1 > 0) return { prefix: path.slice(0, cut), name: path.slice(cut + 1) };
  }
  return undefined;
}

function header(fields: { name: string; prefix: string; size: number; type: string; mtime: number }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(fields.name, 0, 100, 'utf8');
  block.write('0000644\0', 100, 'latin1');
  block.write('0000000\0', 108, 'latin1');
  block.write('0000000\0', 116, 'latin1');
  block.write(`${fields.size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  block.write(`${Math.floor(fields.mtime).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  block.write(fields.type, 156, 'latin1');
  block.write('ustar\0', 257, 'latin1');
  block.write('00', 263, 'latin1');
  block.write(fields.prefix, 345, 155, 'utf8');
  // The checksum is computed with its own field as spaces.
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return block;
}


/** A file read from an archive; `body` is absent when the file is larger than the reader keeps. */
export interface TarReadEntry {
  readonly name: string;
  readonly size: number;
  readonly body?: Buffer;
  /** A kept file too large to hold: what `scanLarge`'s scanner made of its bytes, when one read them. */
  readonly scanned?: number;
}

/** Reads a file's bytes piece by piece as they stream past (memory: its own state), then answers a number. */
export interface TarScanner {
  add(chunk: Buffer): void;
  result(): number;
}

/** The archive is not a tar file, or ends in the middle of one. */
export class TarFormatError extends Error {}

/** A gzip-compressed archive unpacks to more than `maxUnzippedBytes` (a gzip bomb, say). */
export class TarUnzippedTooLarge extends TarFormatError {
  constructor(readonly maxUnzippedBytes: number) {
    super(`The gzip-compressed archive unpacks to more than ${maxUnzippedBytes} bytes.`);
  }
}

export interface TarReadOptions {
  /** Largest file read with its content. */
  readonly maxBody: number;
  /** Which files to read with their content (default: all up to maxBody); the others come as name and size. */
  readonly keep?: (name: string) => boolean;
  /**
   * For a kept file larger than maxBody: a scanner its bytes stream through instead of being
   * skipped unseen (say, to count its lines), or undefined to skip it.
   */
  readonly scanLarge?: (name: string) => TarScanner | undefined;
  /**
   * Most bytes a gzip-compressed archive may unpack to (default: no limit). Deflate packs a run of
   * zeros about 1000:1, so without it a 256 MiB upload could stand for 256 GiB of tar to read.
   * Reading stops with TarUnzippedTooLarge once more have come.
   */
  readonly maxUnzippedBytes?: number;
}

/**
 * Reads the regular files of a tar stream one by one. Files kept and up to `maxBody` bytes come
 * with their content; the others (images inside a YOLO folder, say) are skipped over and come
 * with their name and size only, so memory stays bounded by `maxBody` whatever the archive holds.
 * A gzip-compressed archive (`.tar.gz`) is read through gunzip.
 */
export async function* readTar(source: AsyncIterable<Uint8Array>, options: TarReadOptions): AsyncGenerator<TarReadEntry> {
  const chunks = await gunzipped(source, options.maxUnzippedBytes ?? Infinity);
  const { maxBody, keep = () => true } = options;
  const input = new ByteReader(chunks);
  let longName: string | undefined;
  for (;;) {
    const block = await input.read(BLOCK);
    if (!block) return;
    if (block.length < BLOCK) throw new TarFormatError('The archive ends inside a header.');
    if (block.every((byte) => byte === 0)) return;
    if (!block.toString('latin1', 257, 262).startsWith('ustar') && !validChecksum(block)) {
      throw new TarFormatError('The archive is not a tar file (bad header).');
    }
    const size = octal(block.subarray(124, 136));
    const type = String.fromCharCode(block[156] || 0x30);
    const padded = Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x' || type === 'L') {
      if (size > 1024 * 1024) throw new TarFormatError('A tar extended header is too large.');
      const data = await input.read(padded);
      if (!data || data.length < padded) throw new TarFormatError('The archive ends inside an extended header.');
      const text = data.subarray(0, size).toString('utf8');
      longName = type === 'L' ? withoutTrailingNuls(text) : paxPath(text) ?? longName;
      continue;
    }
    const name = longName ?? joinName(block);
    longName = undefined;
    if (type !== '0' && type !== '7') {
      await input.skip(padded);
      continue;
    }
    if (size > maxBody || !keep(name)) {
      const scanner = size > maxBody && keep(name) ? options.scanLarge?.(name) : undefined;
      if (!scanner) {
        if (!(await input.skip(padded))) throw new TarFormatError(`The archive ends inside ${name}.`);
        yield { name, size };
        continue;
      }
      // The file's bytes pass through the scanner as they arrive; the block padding after them does not.
      if (!(await input.skip(size, (chunk) => scanner.add(chunk))) || !(await input.skip(padded - size))) {
        throw new TarFormatError(`The archive ends inside ${name}.`);
      }
      yield { name, size, scanned: scanner.result() };
      continue;
    }
    const data = await input.read(padded);
    if (!data || data.length < padded) throw new TarFormatError(`The archive ends inside ${name}.`);
    yield { name, size, body: Buffer.from(data.subarray(0, size)) };
  }
}

/** The stream itself, or its gunzipped content (at most `max` bytes) when it starts with gzip's magic bytes. */
async function gunzipped(source: AsyncIterable<Uint8Array>, max: number): Promise<AsyncIterable<Uint8Array>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  const rest: AsyncIterable<Uint8Array> = {
    async* [Symbol.asyncIterator]() {
      try {
        if (!first.done) yield first.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        await iterator.return?.(); // a reader that stops early (an error, the cap) closes the source
      }
    },
  };
  if (first.done || first.value.length < 2 || first.value[0] !== 0x1f || first.value[1] !== 0x8b) return rest;
  // pipeline, not pipe: a source that fails mid-stream (an object store's connection reset, a
  // database error reading an upload) fails the gunzip with it instead of an unhandled 'error'
  // event (a crash); and a reader that stops early destroys the source too.
  const gunzip = createGunzip();
  pipeline(Readable.from(rest), gunzip, () => undefined);
  return capped(gunzip, max, () => gunzip.destroy());
}

/** The chunks of `source` until more than `max` bytes have come; then TarUnzippedTooLarge (ending the loop destroys the stream). */
async function* capped(source: AsyncIterable<Uint8Array>, max: number, close: () => void): AsyncGenerator<Uint8Array> {
  let total = 0;
  try {
    for await (const chunk of source) {
      total += chunk.byteLength;
      if (total > max) throw new TarUnzippedTooLarge(max);
      yield chunk;
    }
  } finally {
    close();
  }
}

function joinName(block: Buffer): string {
  const name = cString(block.subarray(0, 100));
  const prefix = cString(block.subarray(345, 500));
  return prefix ? `${prefix}/${name}` : name;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function octal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  if (!/^[0-7]*$/.test(text)) throw new TarFormatError('The archive is not a tar file (bad size field).');
  return text === '' ? 0 : parseInt(text, 8);
}

function validChecksum(block: Buffer): boolean {
  const stored = cString(block.subarray(148, 156)).trim();
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return /^[0-7]+$/.test(stored) && parseInt(stored, 8) === sum;
}

/**
 * A GNU long name without the NULs that pad it. Not `replace(/\0+$/, '')`: on a name of NULs
 * followed by any other character that regular expression backtracks quadratically (1 MiB, the
 * largest extended header read, would take about twenty minutes of CPU).
 */
function withoutTrailingNuls(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0) end--;
  return text.slice(0, end);
}

function paxPath(text: string): string | undefined {
  for (let at = 0; at < text.length;) {
    const space = text.indexOf(' ', at);
    const length = Number(text.slice(at, space));
    if (space < 0 || !Number.isInteger(length) || length <= 0) return undefined;
    const record = text.slice(space + 1, at + length - 1);
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}

/**
 * Reads exact byte counts from a chunked stream, keeping only what it has not handed out yet.
 * The chunks are kept as they came and copied once, into the piece handed out: gluing each new
 * chunk onto what was buffered made a 64 MiB read of 16 KiB chunks copy 128 GiB (minutes of CPU).
 */
export class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  /** Chunks not yet handed out, from `#head` on (the first may be partly taken). */
  #chunks: Buffer[] = [];
  #head = 0;
  #length = 0;
  #done = false;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#iterator = chunks[Symbol.asyncIterator]();
  }

  /**
   * Exactly `n` bytes, fewer at the end of the stream, undefined when nothing is left. Zero bytes
   * are always there (an empty buffer): an empty file's content is read as any other's, and its
   * header may end exactly where a chunk does (zlib's 16 KiB chunks are whole blocks), which
   * used to read as the end of the stream.
   */
  async read(n: number): Promise<Buffer | undefined> {
    if (n === 0) return EMPTY;
    while (this.#length < n && !this.#done) await this.#pull();
    if (this.#length === 0) return undefined;
    const want = Math.min(n, this.#length);
    const first = this.#chunks[this.#head];
    // Most reads (a 512-byte header) lie within one chunk: handed out without a copy.
    if (first.length >= want) return this.#drop(want, first.subarray(0, want));
    const out = Buffer.allocUnsafe(want);
    let at = 0;
    for (let i = this.#head; at < want; i++) at += this.#chunks[i].copy(out, at, 0, Math.min(this.#chunks[i].length, want - at));
    return this.#drop(want, out);
  }

  /** Skips `n` bytes without keeping them (showing each piece to `see`, if given); false when the stream ended first. */
  async skip(n: number, see?: (chunk: Buffer) => void): Promise<boolean> {
    let left = n;
    for (;;) {
      const taken = Math.min(left, this.#length);
      if (see) for (let i = this.#head, shown = 0; shown < taken; i++) {
        const piece = this.#chunks[i].subarray(0, taken - shown);
        see(piece);
        shown += piece.length;
      }
      this.#drop(taken);
      left -= taken;
      if (left === 0) return true;
      if (this.#done) return false;
      await this.#pull();
    }
  }

  /** Forgets the first `n` bytes; returns `out`. */
  #drop<T>(n: number, out?: T): T {
    this.#length -= n;
    for (let left = n; left > 0;) {
      const first = this.#chunks[this.#head];
      if (first.length <= left) {
        left -= first.length;
        this.#head++;
      } else {
        this.#chunks[this.#head] = first.subarray(left);
        left = 0;
      }
    }
    if (this.#head > 1024 || this.#head === this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return out as T;
  }

  async #pull(): Promise<void> {
    const next = await this.#iterator.next();
    if (next.done) {
      this.#done = true;
      return;
    }
    if (next.value.byteLength === 0) return;
    this.#chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    this.#length += next.value.byteLength;
  }
}
