// What an import's conversion (COCO, YOLO: domain/exchange/) left out, in the words the revision's
// ingest report keeps: written here, beside the report, so that the report and the console read
// the vocabulary without depending on the converters (which depend on the Rekognition domain).

/**
 * Why a conversion left something out of the lines it made: the reason code an import's ingest
 * report gives each left-out item (GetDatasetIngestReport, `problem: LEFT_OUT`) and counts by.
 * `what` is the kind of thing left out; BOXES_OF_LEFT_OUT_IMAGE is only counted (its image is the
 * item listed).
 */
export const LEFT_OUT_REASONS = {
  UNKNOWN_IMAGE: { what: 'box', meaning: 'a COCO annotation whose image_id names no image of the file' },
  UNKNOWN_CATEGORY: { what: 'box', meaning: 'a box whose class is not in the file (COCO category_id, YOLO class index not in data.yaml)' },
  INVALID_BOX: { what: 'box', meaning: 'a box without coordinates (COCO bbox [x, y, width, height], YOLO "class cx cy w h")' },
  INVALID_CATEGORY: { what: 'category', meaning: 'a COCO category without an integer id and a name of 1 to 255 characters' },
  INVALID_IMAGE_ID: { what: 'image', meaning: 'a COCO image with a missing, repeated or over-long id' },
  NO_IMAGE_LOCATION: { what: 'image', meaning: 'an image no s3:// location could be made for (give the images\' prefix)' },
  IMAGE_LOCATION_TOO_LONG: { what: 'image', meaning: 'an image whose s3:// location is longer than an S3 key can be' },
  IMAGE_SIZE_UNREADABLE: { what: 'image', meaning: 'an image with boxes whose size is neither given nor readable (missing, or not a PNG or JPEG)' },
  LABEL_FILE_WITHOUT_IMAGE: { what: 'image', meaning: 'a YOLO label file no image pairs with' },
  LABEL_FILE_TOO_LARGE: { what: 'image', meaning: 'an image whose YOLO label file is larger than an import reads (its boxes counted, not read)' },
  BOXES_OF_LEFT_OUT_IMAGE: { what: 'box', meaning: 'the boxes of an image left out (counted; the image is listed)' },
} as const;

export type LeftOutReason = keyof typeof LEFT_OUT_REASONS;

/** One thing a conversion left out: its reason, what it was in the source's words, and the image's s3:// location where one is known. */
export interface LeftOut {
  readonly reason: LeftOutReason;
  readonly message: string;
  readonly sourceRef?: string;
}

/** What a conversion made and left out, counted: what the revision keeps as its `conversion`. */
export interface ConversionCounts {
  /** Images (lines) produced. */
  images: number;
  /** Boxes produced. */
  boxes: number;
  /** Boxes or labels left out: their image, or their class, is unknown to the source; or they have no box. */
  skippedBoxes: number;
  /** Images left out: no s3:// location could be made for them, or (YOLO) their size could not be read. */
  skippedImages: number;
  /** Everything left out, counted by reason (complete, however many there are). */
  leftOut: Partial<Record<LeftOutReason, number>>;
}
