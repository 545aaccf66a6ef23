// Every error Trove writes into a stored Ground Truth manifest line, and every reason a line is
// dropped before it becomes an entry. One table, so the validator, ListDatasetEntries and a
// future web console all use the same words.
//
// Messages are the AWS wording from the Custom Labels guide (tm-debugging-json-line-errors.md)
// where AWS documents one; `{}` is a placeholder filled in order by `lineErrorMessage` /
// `dropMessage`. ERROR_INVALID_IMAGE and ERROR_INVALID_IMAGE_DIMENSION need the image bytes,
// which the line validator never sees: the image checks (images/) add them with
// add-line-errors.ts.

/** Where an error sits inside a line (AWS: tm-debugging-scope-json-line.md, four levels). */
export type ErrorLevel = 'line' | 'attribute' | 'annotation' | 'metadata';

export interface LineErrorSpec {
  /** The level the error normally sits at. */
  readonly level: ErrorLevel;
  /** Other levels the same code can appear at, e.g. hoisted to the line when its object is not an object. */
  readonly alsoAt?: readonly ErrorLevel[];
  /** AWS wording, `{}` placeholders filled in order. */
  readonly message: string;
  /** Wording used when the error is hoisted to the top level and must name the attribute. */
  readonly lineMessage?: string;
  /** One plain sentence for a person reading the entry in a console. */
  readonly explanation: string;
}

export const LINE_ERRORS = {
  ERROR_NO_LABEL_ATTRIBUTES: {
    level: 'line',
    message: 'No label attributes found.',
    explanation: 'A -metadata key has no matching label attribute key, so the line carries no usable labels.',
  },
  ERROR_NO_VALID_LABEL_ATTRIBUTES: {
    level: 'line',
    message: 'No valid label attributes found.',
    explanation: 'Every label attribute on this line has an error, so the image counts as having no labels.',
  },
  ERROR_INVALID_LABEL_ATTRIBUTE_FORMAT: {
    level: 'attribute',
    alsoAt: ['line'],
    message: 'The format of the label attribute {} is invalid.',
    explanation:
      'The label attribute value has the wrong shape: an integer for an image label, or image_size and annotations for bounding boxes.',
  },
  ERROR_INVALID_LABEL_ATTRIBUTE_METADATA_FORMAT: {
    level: 'metadata',
    alsoAt: ['line'],
    message: 'The format of the label attribute metadata is invalid.',
    lineMessage: 'The format of the {} label attribute metadata is invalid.',
    explanation:
      'The -metadata object is missing a required field (such as class-name, confidence, class-map, objects, human-annotated or creation-date) or a field has the wrong type.',
  },
  ERROR_UNSUPPORTED_USE_CASE_TYPE: {
    level: 'metadata',
    message: 'The use case type of the {} label attribute metadata is unsupported. Check the type field.',
    explanation:
      'The metadata type must be groundtruth/image-classification or groundtruth/object-detection.',
  },
  ERROR_MISSING_BOUNDING_BOX_CONFIDENCE: {
    level: 'metadata',
    message: 'One or more bounding boxes has a missing confidence value.',
    explanation: 'Each bounding box needs a matching entry with a numeric confidence in the metadata objects list.',
  },
  ERROR_TOO_MANY_BOUNDING_BOXES: {
    level: 'attribute',
    message: 'There are more bounding boxes than the allowed maximum.',
    explanation: 'An image can have at most 50 bounding boxes in one label attribute.',
  },
  ERROR_NO_VALID_ANNOTATIONS: {
    level: 'attribute',
    message: 'No valid annotations found.',
    explanation: 'Every bounding box in this label attribute has an error, so none of them can be used.',
  },
  ERROR_MISSING_CLASS_MAP_ID: {
    level: 'annotation',
    message: 'One of more class ids is missing from the class map.',
    explanation: "The box's class_id has no label name in the metadata class-map.",
  },
  ERROR_INVALID_BOUNDING_BOX: {
    level: 'annotation',
    message: 'The bounding box has off frame values.',
    explanation: 'The box has a negative value or extends past the edge of the image.',
  },
  ERROR_BOUNDING_BOX_TOO_SMALL: {
    level: 'annotation',
    message: 'The height and width of the bounding box is too small.',
    explanation:
      'The box must be wider and taller than 1 pixel, also after the image is scaled down to 1280 pixels on its longer side.',
  },
  ERROR_INVALID_IMAGE: {
    level: 'line',
    message: 'The image is invalid. Check S3 path and/or image properties.',
    explanation:
      'The image must exist, be a PNG or JPEG file of at most 15 MB, have sides of 64 to 4096 pixels and an aspect ratio of at most 20:1.',
  },
  ERROR_INVALID_IMAGE_DIMENSION: {
    level: 'line',
    message: 'The image dimension(s) do not conform to allowed dimensions.',
    explanation:
      'An image with bounding boxes must have sides of 64 to 4096 pixels, and its image_size must be its real size.',
  },
  ERROR_INVALID_LABEL_NAME_LENGTH: {
    level: 'annotation',
    alsoAt: ['metadata'],
    // AWS documents no message for this code; Trove's own wording.
    message: 'The length of the label name is invalid. A label name must be 1 to 255 characters long.',
    explanation: 'Label names must be between 1 and 255 characters long.',
  },
} as const satisfies Record<string, LineErrorSpec>;

export type LineErrorCode = keyof typeof LINE_ERRORS;

/** The shape of one error inside a stored line's `cl-errors` array. */
export interface LineError {
  code: LineErrorCode;
  message: string;
}

export interface DropReasonSpec {
  readonly message: string;
  readonly explanation: string;
}

// AWS: terminal content errors remove the line from the dataset and are reported nowhere
// (debugging-datasets-terminal-errors.md). Trove keeps a reason so its own logs and counters
// can say why.
export const DROP_REASONS = {
  LINE_TOO_LONG: {
    message: 'The JSON Line is longer than the maximum of {} characters.',
    explanation: 'A manifest line, including the errors added to it, can be at most 100,000 characters.',
  },
  INVALID_JSON: {
    message: 'The JSON Line has an invalid format.',
    explanation: 'The line is not valid JSON.',
  },
  TOO_DEEP: {
    message: 'The JSON Line has an invalid format. A line may nest objects and arrays at most {} levels deep.',
    explanation: 'Trove drops a line nested that deep before parsing it; Ground Truth lines nest a few levels.',
  },
  NOT_AN_OBJECT: {
    message: 'The JSON Line has an invalid format. A line must be a JSON object.',
    explanation: 'The line is valid JSON but not an object in curly braces.',
  },
  MISSING_SOURCE_REF: {
    message: 'The source-ref key is missing.',
    explanation: 'The line has no source-ref string giving the S3 location of the image.',
  },
  INVALID_SOURCE_REF_FORMAT: {
    message: 'The format of the source-ref value is invalid.',
    explanation: 'The source-ref must look like s3://bucket/path/to/image.jpg.',
  },
  DUPLICATE_SOURCE_REF: {
    // AWS: an image may appear only once per change; Trove keeps the first line (ingest.ts).
    message: 'The source-ref appears on an earlier line of the same change.',
    explanation: 'An image can appear only once in one change; the first line with it is kept and later ones are dropped.',
  },
} as const satisfies Record<string, DropReasonSpec>;

export type DropReason = keyof typeof DROP_REASONS;

/** Fills `{}` placeholders in order. A replacer loop, not String.replace, so `$&` in a name stays literal. */
function fill(template: string, args: readonly string[]): string {
  if (args.length === 0) return template;
  let out = '';
  let from = 0;
  for (const arg of args) {
    const at = template.indexOf('{}', from);
    if (at < 0) break;
    out += template.slice(from, at) + arg;
    from = at + 2;
  }
  return out + template.slice(from);
}

export function lineErrorMessage(code: LineErrorCode, ...args: string[]): string {
  return fill(LINE_ERRORS[code].message, args);
}

/** The message for an error hoisted to the top level, naming the attribute it belongs to. */
export function hoistedLineErrorMessage(code: LineErrorCode, name: string): string {
  const spec: LineErrorSpec = LINE_ERRORS[code];
  return fill(spec.lineMessage ?? spec.message, [name]);
}

export function dropMessage(reason: DropReason, ...args: string[]): string {
  return fill(DROP_REASONS[reason].message, args);
}
