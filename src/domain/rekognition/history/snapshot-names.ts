// What names a snapshot and what names a revision (docs/trove-api.md). Pure, without imports, so
// the web console checks a name as it is typed with the server's own rule.

/** Snapshot names: letters, digits, `.`, `_`, `-`, not only digits (a number names a revision). */
const SNAPSHOT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const REVISION_NUMBER = /^[0-9]{1,15}$/;

/** Why `name` can't name a snapshot, or undefined. */
export function snapshotNameProblem(name: string): string | undefined {
  if (!SNAPSHOT_NAME.test(name)) return `'${name}' is not a snapshot name: 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit.`;
  if (REVISION_NUMBER.test(name)) return `'${name}' is not a snapshot name: a name can't be only digits (a number names a revision).`;
  return undefined;
}
