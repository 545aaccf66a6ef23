import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spread } from '../../../src/store/sql/rk-entry-listing.js';
import { allOf, GRAM, gramQuery, indexedText } from '../../../src/store/sql/source-ref-grams.js';

const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

/** True when the FTS5 terms of `query` would all be found among `tokens` (a prefix term: some token starts with it). */
function found(query: ReturnType<typeof gramQuery>, tokens: readonly string[]): boolean {
  if ('prefix' in query) return tokens.some((token) => token.startsWith(query.prefix.slice(0, -1)));
  return query.windows.every((window) => tokens.includes(window));
}

describe('grams of SourceRefContains (SQLite substring index)', () => {
  it('writes each window of GRAM characters as hex, the shorter tails too, under each scope the entry is in', () => {
    expect(GRAM).toBe(5);
    expect(indexedText('abcdef', true, false).split(' ')).toEqual(['abcde', 'bcdef', 'cdef', 'def', 'ef', 'f'].map((w) => `g${hex(w)}`));
    expect(indexedText('ab', false, true).split(' ')).toEqual([`g${hex('ab')}`, `u${hex('ab')}`, `w${hex('ab')}`, `g${hex('b')}`, `u${hex('b')}`, `w${hex('b')}`]);
    // Characters, not UTF-16 units: a window never splits a surrogate pair.
    expect(indexedText('🌷🌹🌻x🌼y', true, false).split(' ')[0]).toBe(`g${hex('🌷🌹🌻x🌼')}`);
  });

  it('asks a short substring as one prefix, a longer one by its windows, case kept', () => {
    expect(gramQuery('.jp', 'every')).toEqual({ prefix: `g${hex('.jp')}*` });
    expect(gramQuery('.JP', 'unlabeled')).toEqual({ prefix: `u${hex('.JP')}*` });
    expect(gramQuery('img-0001', 'errors')).toEqual({ windows: ['img-0', 'mg-00', 'g-000', '-0001'].map((w) => `w${hex(w)}`) });
    expect(gramQuery('aaaaaaa', 'every')).toEqual({ windows: [`g${hex('aaaaa')}`] });
    expect(allOf(['g01', 'g02'])).toBe('g01 AND g02');
  });

  it('writes tokens the ascii tokenizer keeps whole, and no FTS5 keyword', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30, unit: 'grapheme' }), fc.boolean(), fc.boolean(), (text, labeled, errors) => {
      for (const token of indexedText(text, labeled, errors).split(' ').filter(Boolean)) expect(token).toMatch(/^[guw][0-9a-f]+$/);
    }));
  });

  it('never rules out a source-ref that contains the substring, in any scope it is in', () => {
    fc.assert(fc.property(
      fc.string({ minLength: 1, maxLength: 14, unit: 'grapheme' }), fc.string({ maxLength: 10, unit: 'grapheme' }), fc.string({ maxLength: 10, unit: 'grapheme' }), fc.boolean(), fc.boolean(),
      (needle, before, after, labeled, errors) => {
        const tokens = indexedText(before + needle + after, labeled, errors).split(' ');
        expect(found(gramQuery(needle, 'every'), tokens)).toBe(true);
        expect(found(gramQuery(needle, 'unlabeled'), tokens)).toBe(!labeled);
        expect(found(gramQuery(needle, 'errors'), tokens)).toBe(errors);
      },
    ), { numRuns: 2000 });
  });

  it('rules out most source-refs that do not contain it (a prefix is exact)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: GRAM - 1, unit: 'grapheme' }), fc.string({ maxLength: 20, unit: 'grapheme' }), (needle, haystack) => {
      expect(found(gramQuery(needle, 'every'), indexedText(haystack, true, false).split(' '))).toBe(haystack.includes(needle));
    }), { numRuns: 2000 });
  });
});

describe('the terms a long substring is looked up by', () => {
  it('are at most so many, spread over it, the first and the last included', () => {
    expect(spread([1, 2, 3], 16)).toEqual([1, 2, 3]);
    expect(spread(Array.from({ length: 2044 }, (_, i) => i), 16)).toHaveLength(16);
    expect(spread(Array.from({ length: 2044 }, (_, i) => i), 16)).toEqual(expect.arrayContaining([0, 2043]));
    expect(spread(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
  });
});
