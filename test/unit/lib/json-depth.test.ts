import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../../src/lib/json-depth.js';

/** The nesting of a parsed value, by walking it (what the scan must agree with). */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (typeof value === 'object' && value !== null) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('nestsDeeperThan', () => {
  it('agrees with the parsed value\'s depth for any JSON, brackets and escapes inside strings included', () => {
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.constant(null), fc.array(tie('node')), fc.dictionary(text, tie('node'))),
    })).node;
    fc.assert(fc.property(value, fc.integer({ min: 0, max: 12 }), (v, limit) => {
      expect(nestsDeeperThan(JSON.stringify(v), limit)).toBe(depthOf(v) > limit);
    }), { numRuns: 500 });
  });

  it('stops at the first level too deep; brackets in strings and escaped quotes do not count', () => {
    expect(nestsDeeperThan(`{"X":${'['.repeat(4_000_000)}`, 128)).toBe(true);
    expect(nestsDeeperThan(`{"blob":"${'[{'.repeat(1_000)}\\\\","a":[[1]]}`, 3)).toBe(false);
    expect(nestsDeeperThan(`{"blob":"\\"[[[[","a":[[1]]}`, 3)).toBe(false);
    expect(nestsDeeperThan('[[["unterminated', 2)).toBe(true);
    expect(nestsDeeperThan('["unterminated [[[', 2)).toBe(false);
  });
});
