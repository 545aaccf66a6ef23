import { table } from './flags.js';

/** What a person needs right after `trove serve` starts. */
export interface StartFacts {
  readonly url: string;
  /** The origin clients use when it is not `url` (behind a proxy: --public-url). */
  readonly publicUrl?: string;
  /** Where the data lives, e.g. "SQLite in /home/me/.trove" or "database postgres://trove:***@db/trove". */
  readonly store: string;
  /** The documented local pair test/test works (loopback bind, no credential created). */
  readonly localPair: boolean;
  /** The folder object store's root (absolute), or undefined when objects come from S3. */
  readonly bucketFolder?: string;
  /** The object store in words, for S3. */
  readonly objectStore: string;
}

/**
 * The start banner: the line tests and scripts wait for ("Trove is listening on <url>"), then one
 * row per thing to know. A new fact is one more row.
 */
export function startBanner(facts: StartFacts): string {
  const reached = facts.publicUrl ?? facts.url;
  const rows: [string, string][] = [
    ...(facts.publicUrl ? [['Clients use', facts.publicUrl] as [string, string]] : []),
    ['Console', `${reached}/_trove/console/`],
    ['Sign in', facts.localPair
      ? 'test / test (account 000000000000, any AWS region), the local pair: until a credential is created'
      : 'with a key from `trove credentials create`'],
    ['Data', facts.store],
    ['Objects', facts.bucketFolder ? `s3://<bucket>/<key> is the file ${facts.bucketFolder}/<bucket>/<key>` : facts.objectStore],
    ['Sample data', '`npm run demo` (or `bin/trove demo`) in another terminal'],
  ];
  return `Trove is listening on ${facts.url}\n${table(rows)}\n\n`;
}
