// The SDK's own pure-JS SHA-256 (a dependency of every SDK client): incremental, unlike its Web Crypto hash.
import { Sha256Js } from '@smithy/core/checksum';

/** How much of a file is read and hashed at a time: memory held is one chunk; the page runs between chunks (about 35 ms of hashing each, under the 50 ms of a long task). */
export const HASH_CHUNK = 1024 * 1024;

/**
 * A file's SHA-256 in hex, read in HASH_CHUNK slices into the SDK's incremental pure-JS hash (as
 * smithy's blobHasher reads a Blob): memory is one slice whatever the file's size, the page runs
 * between slices, and `signal` stops it. Not the client's own hash: its Web Crypto one copies
 * every update into one buffer and digests it at the end (twice the file in memory).
 */
export async function hashHex(file: Blob, signal: AbortSignal | undefined, onRead?: (read: number) => void): Promise<string> {
  const hash = new Sha256Js();
  for (let read = 0; read < file.size;) {
    signal?.throwIfAborted();
    const slice = file.slice(read, Math.min(file.size, read + HASH_CHUNK));
    hash.update(new Uint8Array(await slice.arrayBuffer()));
    read += slice.size;
    onRead?.(read);
    // A macrotask, not a microtask: lets the page paint and handle a press of Stop.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  signal?.throwIfAborted();
  return [...await hash.digest()].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

