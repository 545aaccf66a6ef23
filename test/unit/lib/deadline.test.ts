import { describe, expect, it } from 'vitest';
import { DeadlineExceeded, withDeadline } from '../../../src/lib/deadline.js';

describe('withDeadline', () => {
  it('passes a timely answer through', async () => {
    expect(await withDeadline(Promise.resolve(7), 1000)).toBe(7);
    await expect(withDeadline(Promise.reject(new Error('no')), 1000)).rejects.toThrow('no');
  });

  it('gives up on work that never answers, and hands what it yields late to `late`', async () => {
    await expect(withDeadline(new Promise(() => undefined), 20)).rejects.toBeInstanceOf(DeadlineExceeded);
    let release!: (value: string) => void;
    const work = new Promise<string>((resolve) => { release = resolve; });
    const late: string[] = [];
    await expect(withDeadline(work, 20, (value) => late.push(value))).rejects.toThrow('no answer within 20 ms');
    release('handle');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(late).toEqual(['handle']);
  });
});
