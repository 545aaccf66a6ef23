import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { trigramQuery } from '../../../src/store/sql/rk-entries-repository.js';

/** The quoted FTS5 strings of a query, unquoted. */
const terms = (query: string) => [...query.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => match[1].replace(/""/g, '"'));

describe('trigramQuery (SourceRefContains on the FTS5 trigram index)', () => {
  it('asks for trigrams that cover every character, not every overlapping one', () => {
    expect(trigramQuery('img-0123456')).toBe('"img" AND "-01" AND "234" AND "456"');
    expect(trigramQuery('abc')).toBe('"abc"');
    expect(trigramQuery('abcd')).toBe('"abc" AND "bcd"');
    expect(trigramQuery('abcdef')).toBe('"abc" AND "def"');
  });

  it('quotes each trigram, doubling quotes inside, and counts characters, not UTF-16 units', () => {
    expect(trigramQuery('a"b"c')).toBe('"a""b" AND "b""c"');
    expect(trigramQuery('🌷🌹🌻x')).toBe('"🌷🌹🌻" AND "🌹🌻x"');
  });

  it('never rules out a source-ref that contains the substring', () => {
    fc.assert(fc.property(fc.string({ minLength: 3, maxLength: 40, unit: 'grapheme' }), fc.string(), fc.string(), (needle, before, after) => {
      const haystack = before + needle + after;
      for (const trigram of terms(trigramQuery(needle))) expect(haystack.includes(trigram)).toBe(true);
    }));
  });

  it('covers every character of the substring', () => {
    fc.assert(fc.property(fc.string({ minLength: 3, maxLength: 40 }), (needle) => {
      const chars = [...needle];
      const covered = new Array<boolean>(chars.length).fill(false);
      for (const trigram of terms(trigramQuery(needle))) {
        // Mark every place the trigram sits in the needle.
        for (let i = 0; i + 3 <= chars.length; i++) if (chars.slice(i, i + 3).join('') === trigram) covered.fill(true, i, i + 3);
      }
      expect(covered.every(Boolean)).toBe(true);
    }));
  });
});
