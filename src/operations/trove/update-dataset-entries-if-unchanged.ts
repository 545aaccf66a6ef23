import { ConditionalCheckFailedException, ValidationException } from '../../api/trove/errors.js';
import type { UpdateDatasetEntriesIfUnchangedInput } from '../../api/trove/inputs.js';
import { inputShapes } from '../../api/trove/inputs.js';
import { EntriesChanged } from '../../domain/rekognition/entry-versions.js';
import type { EntryConflict, EntryExpectation } from '../../domain/rekognition/entry-versions.js';
import type { Operation } from '../operation.js';
import { asTroveError } from './rekognition-errors.js';
import type { TroveServices } from './services.js';

/** Conflicts listed at most (conflictCount tells how many there were). */
const MAX_CONFLICTS = 100;

/**
 * `POST /_trove/api/rekognition/update-entries-if-unchanged`: UpdateDatasetEntries with a
 * precondition. The change is accepted exactly as UpdateDatasetEntries accepts it (the same
 * transaction, job and statuses: EntryService.acceptUpdate) only if every entry in `expected`
 * still has the version the client read (SHA-256 of its listed line) or, for `absent`, still
 * does not exist. Otherwise nothing is accepted and ConditionalCheckFailedException lists the
 * entries that changed with their current lines, so a client can show both versions.
 *
 * It changes entries and answers current lines, so besides its own action it needs
 * `rekognition:UpdateDatasetEntries` and `rekognition:ListDatasetEntries` on the dataset, checked
 * by the protocol with every operation's AWS actions (src/api/trove/permissions.ts).
 */
export function updateDatasetEntriesIfUnchanged(services: TroveServices): Operation<UpdateDatasetEntriesIfUnchangedInput> {
  return {
    name: 'UpdateDatasetEntriesIfUnchanged',
    input: inputShapes.UpdateDatasetEntriesIfUnchanged,
    async handle(input, { caller }) {
      const expected = expectations(input.expected);
      try {
        await services.rekognitionEntries.acceptUpdate(caller, input.datasetArn, input.changes.groundTruth, expected);
      } catch (error) {
        if (error instanceof EntriesChanged) throw conditionFailed(error.conflicts);
        throw asTroveError(error);
      }
      return {};
    },
  };
}

function expectations(items: UpdateDatasetEntriesIfUnchangedInput['expected']): EntryExpectation[] {
  const problems: { name: string; message: string }[] = [];
  const seen = new Set<string>();
  const out: EntryExpectation[] = [];
  items.forEach((item, i) => {
    if ((item.version === undefined) === (item.absent !== true)) {
      problems.push({ name: `expected[${i}]`, message: 'Member must have exactly one of version or absent: true' });
    } else if (seen.has(item.sourceRef)) {
      problems.push({ name: `expected[${i}].sourceRef`, message: 'Member must be unique within the request' });
    } else {
      seen.add(item.sourceRef);
      out.push(item.version !== undefined ? { sourceRef: item.sourceRef, version: item.version } : { sourceRef: item.sourceRef, absent: true });
    }
  });
  if (problems.length > 0) {
    throw new ValidationException(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected in expected: ${problems[0].name} ${problems[0].message}`, problems.slice(0, 100));
  }
  return out;
}

function conditionFailed(conflicts: readonly EntryConflict[]): ConditionalCheckFailedException {
  const listed = conflicts.slice(0, MAX_CONFLICTS).map((conflict) => ({
    sourceRef: conflict.sourceRef,
    expected: 'absent' in conflict.expected ? { absent: true } : { version: conflict.expected.version },
    // null: there is no such entry now. The domain keeps lines within 1 MB in all.
    current: conflict.current ?? null,
  }));
  const first = conflicts[0];
  return new ConditionalCheckFailedException(
    `${conflicts.length} entr${conflicts.length === 1 ? 'y is' : 'ies are'} not the version expected (${first.sourceRef} ${first.current ? 'has changed' : 'no longer exists'}${'absent' in first.expected && first.current ? ' (it exists now)' : ''}); nothing was changed.`,
    listed, conflicts.length,
  );
}
