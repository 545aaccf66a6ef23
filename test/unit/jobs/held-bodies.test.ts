import { afterEach, describe, expect, it, vi } from 'vitest';
import { HeldBodies } from '../../../src/jobs/held-bodies.js';
import type { JobBody } from '../../../src/store/records.js';

async function bytesOf(body: JobBody): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of body.pieces()) pieces.push(piece);
  return Buffer.concat(pieces);
}

/** A payload of `size` bytes that differ from piece to piece, so an out-of-order or missing piece shows. */
function payload(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + Math.floor(i / 65536)) % 251;
  return bytes;
}

describe('HeldBodies (a just-accepted payload handed to this node\'s runner)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives the held bytes back in pieces of 64 KiB, in order, to the first claim of the job only', async () => {
    const held = new HeldBodies();
    const body = payload(5 * 1024 * 1024 + 123);
    held.hold({ jobId: 7, body });
    const taken = held.take(7, body.length)!;
    expect(taken.bytes).toBe(body.length);
    const pieces: number[] = [];
    for await (const piece of taken.pieces()) pieces.push(piece.length);
    expect(pieces.slice(0, -1).every((length) => length === 64 * 1024)).toBe(true);
    expect((await bytesOf(taken)).equals(body)).toBe(true);
    expect((await taken.read()).equals(body)).toBe(true);
    // A retry of the same job reads the store's copy.
    expect(held.take(7, body.length)).toBeUndefined();
  });

  it('does not answer for another job, nor for a stored copy of another size', () => {
    const held = new HeldBodies();
    held.hold({ jobId: 1, body: payload(1000) });
    expect(held.take(2, 1000)).toBeUndefined();
    expect(held.take(1, 999)).toBeUndefined();
    // The mismatch let the held bytes go: the store's copy is read from then on.
    expect(held.take(1, 1000)).toBeUndefined();
  });

  it('holds at most 24 MiB at once: past it, a job reads the store', () => {
    const held = new HeldBodies();
    const five = 5 * 1024 * 1024;
    for (let id = 1; id <= 5; id++) held.hold({ jobId: id, body: payload(five) });
    expect(held.take(5, five)).toBeUndefined();
    for (let id = 1; id <= 4; id++) expect(held.take(id, five)).toBeDefined();
    // Taking them made room again.
    held.hold({ jobId: 6, body: payload(five) });
    expect(held.take(6, five)).toBeDefined();
  });

  it('counts what a payload keeps in memory: a small view of a large allocation costs the allocation', () => {
    const held = new HeldBodies();
    const room = 4 * 1024 * 1024;
    // Seven 10-byte payloads, each a view of 4 MiB: six fill the 24 MiB (a line decoded into room made for a body of spaces).
    for (let id = 1; id <= 7; id++) held.hold({ jobId: id, body: Buffer.alloc(room).subarray(0, 10) });
    for (let id = 1; id <= 6; id++) expect(held.take(id, 10)).toBeDefined();
    expect(held.take(7, 10)).toBeUndefined();
  });

  it('frees a payload\'s own allocation on release (every view then reads as empty), never a shared small one', async () => {
    const held = new HeldBodies();
    const large = payload(2 * 1024 * 1024);
    held.hold({ jobId: 1, body: large });
    const taken = held.take(1, large.length)!;
    expect((await bytesOf(taken)).equals(payload(2 * 1024 * 1024))).toBe(true);
    taken.release();
    expect(large.buffer.byteLength).toBe(0);
    expect(large.length).toBe(0);
    // A small payload sits in Node.js's shared pool beside other buffers: it is left alone.
    const neighbour = Buffer.from('a neighbour in the pool');
    const small = Buffer.from('a small payload');
    held.hold({ jobId: 2, body: small });
    held.take(2, small.length)!.release();
    expect(small.toString()).toBe('a small payload');
    expect(neighbour.toString()).toBe('a neighbour in the pool');
  });

  it('lets go of a payload no claim on this node took (another node ran the job) after 10 s', () => {
    vi.useFakeTimers();
    const held = new HeldBodies();
    held.hold({ jobId: 3, body: payload(100) });
    vi.advanceTimersByTime(9_999);
    held.hold({ jobId: 4, body: payload(100) });
    vi.advanceTimersByTime(1);
    expect(held.take(3, 100)).toBeUndefined();
    expect(held.take(4, 100)).toBeDefined();
  });
});
