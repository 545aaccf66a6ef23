import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trigramQuery, trigramsOf } from '../../../src/store/sql/rk-entries-repository.js';

/** The quoted FTS5 strings of a query, unquoted. */
const terms = (query: string) => [...query.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => match[1].replace(/""/g, '"'));

describe('trigrams of SourceRefContains (the FTS5 trigram index)', () => {
  it('takes every distinct trigram, counting characters, not UTF-16 units', () => {
    expect(trigramsOf('abc')).toEqual(['abc']);
    expect(trigramsOf('abcd')).toEqual(['abc', 'bcd']);
    expect(trigramsOf('aaaaa')).toEqual(['aaa']);
    expect(trigramsOf('🌷🌹🌻x')).toEqual(['🌷🌹🌻', '🌹🌻x']);
  });

  it('quotes each trigram, doubling quotes inside', () => {
    expect(trigramQuery(trigramsOf('a"b"c'))).toBe('"a""b" AND """b""" AND "b""c"');
    expect(trigramQuery(['img', '456'])).toBe('"img" AND "456"');
  });

  it('never rules out a source-ref that contains the substring, whichever trigrams are asked for', () => {
    fc.assert(fc.property(fc.string({ minLength: 3, maxLength: 40, unit: 'grapheme' }), fc.string(), fc.string(), (needle, before, after) => {
      const haystack = before + needle + after;
      for (const trigram of terms(trigramQuery(trigramsOf(needle)))) expect(haystack.includes(trigram)).toBe(true);
    }));
  });
});
