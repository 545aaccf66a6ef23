// Where a box's caption goes, so it stays inside the image and stays readable: above the box when
// there is room, else just inside its top edge, moved left so it never runs off the right edge.
// Crowded thumbnails get no captions at all (a band of overlapping names says nothing): the box
// colours and the card's tags say which labels are there. Pure: no DOM.

export interface Frame {
  readonly width: number;
  readonly height: number;
}

export interface BoxRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface CaptionPlace {
  /** Baseline position of the caption, in image pixels. */
  readonly x: number;
  readonly y: number;
}

/** Rough width of a caption in the console's bold system font: enough to keep it on the image. */
export function captionWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.62;
}

export function placeCaption(box: BoxRect, text: string, fontSize: number, frame: Frame): CaptionPlace {
  const width = Math.min(captionWidth(text, fontSize), frame.width);
  const left = Math.max(0, Math.min(box.left, frame.width));
  const x = Math.max(0, Math.min(left, frame.width - width));
  const top = Math.max(0, Math.min(box.top, frame.height));
  // Above the box if a line fits between it and the image's top, else inside the box's top edge.
  const y = top >= fontSize * 1.1 ? top - fontSize * 0.25 : Math.min(frame.height, top + fontSize);
  return { x, y };
}

/** Most boxes a thumbnail captions; past this, or when captions would overlap, it shows none. */
export const THUMB_CAPTION_LIMIT = 4;

/** True when the captions of these boxes would pile up (overlap each other) or there are too many. */
export function crowded(boxes: readonly (BoxRect & { readonly text: string })[], fontSize: number, frame: Frame, limit = THUMB_CAPTION_LIMIT): boolean {
  if (boxes.length > limit) return true;
  const spans = boxes.map((box) => {
    const { x, y } = placeCaption(box, box.text, fontSize, frame);
    return { x1: x, x2: x + captionWidth(box.text, fontSize), y1: y - fontSize, y2: y };
  });
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i];
      const b = spans[j];
      if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) return true;
    }
  }
  return false;
}
