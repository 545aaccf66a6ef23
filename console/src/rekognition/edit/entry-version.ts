// An entry's version as Trove's UpdateDatasetEntriesIfUnchanged compares it: the SHA-256 (hex)
// of the line exactly as ListDatasetEntries returned it (src/domain/rekognition/entry-versions.ts,
// docs/trove-api.md). WebCrypto, so it runs in the browser and in Node alike.

export async function entryVersion(line: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(line));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
