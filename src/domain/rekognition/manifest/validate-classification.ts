// One image-level (classification) label attribute and its metadata
// (AWS: md-create-manifest-file-classification.md).

import {
  addError,
  addHoistedError,
  addLabel,
  hasNulCharacter,
  isHumanAnnotated,
  isLabelNameTooLong,
  type JsonObject,
  type LineCheck,
} from './line-check.js';

/** Checks the pair, writes its errors, records its label if valid, and says whether it is valid. */
export function checkClassificationPair(
  check: LineCheck,
  key: string,
  attribute: unknown,
  metadata: JsonObject,
): boolean {
  let valid = true;

  // AWS: the attribute value is the class index; any integer is accepted and the value is ignored.
  // Trove: an integer cannot carry cl-errors, so a wrong value is reported at the top level.
  if (!Number.isInteger(attribute)) {
    addHoistedError(check, 'ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT', key);
    valid = false;
  }

  const name = metadata['class-name'];
  const confidence = metadata['confidence'];
  // AWS: class-name, confidence (0..1), human-annotated and creation-date are required; job-name is optional.
  // Trove: job-name is free text and is not checked at all.
  const formatOk =
    typeof name === 'string' &&
    name.length > 0 &&
    !hasNulCharacter(name) &&
    typeof confidence === 'number' &&
    confidence >= 0 &&
    confidence <= 1 &&
    isHumanAnnotated(metadata['human-annotated']) &&
    typeof metadata['creation-date'] === 'string';
  if (!formatOk) {
    addError(check, metadata, 'ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT');
    valid = false;
  }

  // Trove: label names follow the API shape DatasetLabel (1..255) so every label can be listed and filtered.
  if (typeof name === 'string' && isLabelNameTooLong(name)) {
    addError(check, metadata, 'ERROR_INVALID_LABEL_NAME_LENGTH');
    valid = false;
  }

  if (valid && typeof name === 'string') addLabel(check, name, 0);
  return valid;
}
