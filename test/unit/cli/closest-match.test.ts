import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../../src/lib/closest-match.js';

describe('closestMatch', () => {
  const flags = ['port', 'host', 'data-dir', 'database-url', 'log-level', 'log-format', 'bucket-dir'];

  it('finds the option a typo meant: a swap, a missing or an extra letter', () => {
    expect(closestMatch('prot', flags)).toBe('port');
    expect(closestMatch('data-dri', flags)).toBe('data-dir');
    expect(closestMatch('datadir', flags)).toBe('data-dir');
    expect(closestMatch('log-levels', flags)).toBe('log-level');
    expect(closestMatch('serv', ['serve', 'demo', 'migrate', 'credentials', 'version'])).toBe('serve');
  });

  it('guesses nothing when nothing is close', () => {
    expect(closestMatch('frobnicate', flags)).toBeUndefined();
    expect(closestMatch('x', flags)).toBeUndefined();
    expect(closestMatch('prt', [])).toBeUndefined();
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('prot', 'port')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
