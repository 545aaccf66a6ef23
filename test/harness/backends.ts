/**
 * The storage engines every behavioural test runs against. Loop over BACKENDS in each
 * integration test file (`describe.each(BACKENDS)`) and pass the backend to `startServer`.
 * `TROVE_TEST_BACKENDS=sqlite` (or `postgres`, or `sqlite,postgres`, the default) narrows the run.
 */
export type Backend = 'sqlite' | 'postgres';

const ALL: readonly Backend[] = ['sqlite', 'postgres'];

export function selectBackends(text: string | undefined): Backend[] {
  if (text === undefined || text.trim() === '') return [...ALL];
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of names) {
    if (!ALL.includes(name as Backend)) throw new Error(`TROVE_TEST_BACKENDS: unknown backend "${name}" (known: ${ALL.join(', ')})`);
  }
  return ALL.filter((backend) => names.includes(backend));
}

export const BACKENDS: readonly Backend[] = selectBackends(process.env.TROVE_TEST_BACKENDS);

/** True when PostgreSQL is among the selected backends (tests that only make sense on it use this). */
export const POSTGRES_SELECTED = BACKENDS.includes('postgres');
