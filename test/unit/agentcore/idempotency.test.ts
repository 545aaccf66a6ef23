import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../../../src/api/errors.js';
import { Idempotency, requestHash } from '../../../src/domain/idempotency.js';
import { SqliteDriver } from '../../../src/store/sqlite/sqlite-driver.js';
import { storeOn } from '../../../src/store/store.js';
import type { Store } from '../../../src/store/store.js';

describe('Idempotency', () => {
  let store: Store;
  let now = 1_000_000;
  const idempotency = new Idempotency({ now: () => now }, 8 * 3600_000,
    (message) => new ServiceError('Mismatch', message, 400), (message) => new ServiceError('InFlight', message, 409));
  const caller = { account: '000000000000', region: 'us-east-1' };
  beforeAll(async () => {
    store = storeOn(new SqliteDriver({ filename: ':memory:', synchronous: 'NORMAL' }));
    await store.migrate();
  });
  afterAll(async () => store?.close());

  it('hashes requests regardless of member order, and ignores the token itself', () => {
    expect(requestHash({ a: 1, b: { c: [1, { d: 2, e: 3 }] } })).toBe(requestHash({ b: { c: [1, { e: 3, d: 2 }] }, a: 1 }));
    expect(requestHash({ a: [1, 2] })).not.toBe(requestHash({ a: [2, 1] }));
    const one = idempotency.token(caller, 'Op', 'r', { clientToken: 't'.repeat(33), x: 1 } as { clientToken: string });
    const two = idempotency.token(caller, 'Op', 'r', { clientToken: 'u'.repeat(33), x: 1 } as { clientToken: string });
    expect(one?.hash).toBe(two?.hash);
    expect(idempotency.token(caller, 'Op', 'r', {})).toBeUndefined();
  });

  it('replays within the window, refuses a different request, forgets after the window', async () => {
    const request: { clientToken: string; value: number } = { clientToken: 'k'.repeat(36), value: 1 };
    const other: { clientToken: string; value: number } = { ...request, value: 2 };
    const token = idempotency.token(caller, 'Op', 'r', request);
    expect(await idempotency.earlier(store, token)).toBeUndefined();
    await store.transaction((tx) => idempotency.remember(tx, token, 202, { answer: 42 }));
    expect(await idempotency.earlier(store, token)).toEqual({ answer: 42 });
    // Another resource or operation is another token.
    expect(await idempotency.earlier(store, idempotency.token(caller, 'Op', 'other', request))).toBeUndefined();
    await expect(idempotency.earlier(store, idempotency.token(caller, 'Op', 'r', other))).rejects.toThrow(/already used/);
    now += 8 * 3600_000 + 1;
    expect(await idempotency.earlier(store, token)).toBeUndefined();
    await store.transaction((tx) => idempotency.remember(tx, idempotency.token(caller, 'Op', 'r', other), 202, { answer: 7 }));
    expect(await idempotency.earlier(store, idempotency.token(caller, 'Op', 'r', other))).toEqual({ answer: 7 });
    // A twin that committed first (concurrent transactions) makes the later one roll back.
    await expect(store.transaction((tx) => idempotency.remember(tx, idempotency.token(caller, 'Op', 'r', other), 202, { answer: 8 })))
      .rejects.toThrow(/at the same time/);
    expect(await idempotency.earlier(store, idempotency.token(caller, 'Op', 'r', other))).toEqual({ answer: 7 });
  });
});
