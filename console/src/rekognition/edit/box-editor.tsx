import type { PointerEvent as ReactPointerEvent } from 'react';
import { useRef, useState } from 'react';
import { labelColour } from '../../lib/palette.js';
import { placeCaption } from '../box-layout.js';
import { boxCaption, boxKey } from '../entry-model.js';
import type { EntryBox } from '../entry-model.js';
import type { Rect, Size } from './entry-edit.js';

/** What the image's editing layer needs from the editor. */
export interface BoxEditing {
  /** The box (boxKey) selected: it gets handles; Delete and the number keys act on it. */
  readonly selected: string | undefined;
  /** Drawing a new box: a drag on the image makes it. */
  readonly drawing: boolean;
  /** The colour of the box being drawn (the active label's). */
  readonly drawColour: string;
  readonly disabled: boolean;
  onSelect(box: string | undefined): void;
  /** A box was moved or resized (called once, when the drag ends). */
  onChange(box: EntryBox, rect: Rect): void;
  onDraw(rect: Rect): void;
}

type Drag =
  | { kind: 'move' | 'resize'; box: EntryBox; start: { x: number; y: number }; corner?: Corner; rect: Rect }
  | { kind: 'draw'; start: { x: number; y: number }; rect: Rect };
type Corner = 'nw' | 'ne' | 'sw' | 'se';

const HANDLE_PX = 11;
/** Smallest box a drag makes, in image pixels (Rekognition: boxes must be larger than 1 × 1). */
const MIN_SIDE = 2;

/**
 * The bounding boxes of the large image, editable: click a box to select it, drag it to move it,
 * drag a corner handle to resize it; in drawing mode a drag on the image draws a new box. Boxes
 * are drawn in the image's own pixels (image_size), and may lie partly off the image (the error
 * ERROR_INVALID_BOUNDING_BOX shows where): the layer does not clip them, so they can be dragged back in.
 */
export function EditableBoxes({ boxes, frame, font, caption, highlight, edit, onPoint }: {
  boxes: readonly EntryBox[]; frame: Size; font: number; caption: boolean; highlight: string | undefined; edit: BoxEditing;
  onPoint?: (box: string | undefined) => void;
}) {
  const svg = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<Drag>();
  const scale = () => svg.current?.getScreenCTM()?.a ?? 1;
  const point = (event: ReactPointerEvent) => {
    const ctm = svg.current?.getScreenCTM();
    if (!ctm) return { x: 0, y: 0 };
    const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(ctm.inverse());
    return { x: p.x, y: p.y };
  };
  const begin = (event: ReactPointerEvent, next: Drag) => {
    event.stopPropagation();
    event.preventDefault();
    // Captured by the layer: the drag goes on wherever the pointer goes, even off the image.
    svg.current?.setPointerCapture(event.pointerId);
    setDrag(next);
  };
  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (edit.disabled || event.button !== 0) return;
    if (edit.drawing) {
      const start = point(event);
      begin(event, { kind: 'draw', start, rect: { left: start.x, top: start.y, width: 0, height: 0 } });
    } else if (event.target === svg.current) {
      edit.onSelect(undefined);
    }
  };
  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const p = point(event);
    const dx = p.x - drag.start.x;
    const dy = p.y - drag.start.y;
    if (drag.kind === 'draw') setDrag({ ...drag, rect: normalise(drag.start.x, drag.start.y, p.x, p.y) });
    else if (drag.kind === 'move') setDrag({ ...drag, rect: { ...rectOf(drag.box), left: drag.box.left + dx, top: drag.box.top + dy } });
    else setDrag({ ...drag, rect: resized(drag.box, drag.corner!, dx, dy) });
  };
  const onPointerUp = () => {
    if (!drag) return;
    setDrag(undefined);
    const r = drag.rect;
    if (drag.kind === 'draw') {
      if (r.width >= MIN_SIDE && r.height >= MIN_SIDE) edit.onDraw(r);
    } else if (r.left !== drag.box.left || r.top !== drag.box.top || r.width !== drag.box.width || r.height !== drag.box.height) {
      edit.onChange(drag.box, r);
    }
  };
  const handle = HANDLE_PX / scale();
  return (
    <svg ref={svg} className={`boxes boxes-editable${edit.drawing ? ' drawing' : ''}`} viewBox={`0 0 ${frame.width} ${frame.height}`} preserveAspectRatio="xMidYMid meet"
      onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={() => setDrag(undefined)} data-testid="box-editor">
      {boxes.map((box) => {
        const key = boxKey(box);
        const dragged = drag && drag.kind !== 'draw' && boxKey(drag.box) === key ? drag.rect : undefined;
        const r = dragged ?? rectOf(box);
        const bad = box.errors.length > 0;
        const colour = bad ? 'var(--error)' : labelColour(boxCaption(box));
        const selected = edit.selected === key;
        const text = `${bad ? '⚠ ' : ''}${boxCaption(box)}`;
        const placed = placeCaption(r, text, font, frame);
        // A selected box's caption moves right of its corner handle.
        const at = selected ? { ...placed, x: placed.x + (placed.x <= r.left + handle / 2 ? handle * 0.7 : 0) } : placed;
        return (
          <g key={key} className={`box${bad ? ' box-error' : ''}${selected ? ' box-selected' : ''}${highlight === key ? ' box-highlight' : ''}`} data-box={key} data-label={box.label ?? ''}
            onMouseEnter={onPoint && (() => onPoint(key))} onMouseLeave={onPoint && (() => onPoint(undefined))}>
            <rect x={r.left} y={r.top} width={Math.max(0, r.width)} height={Math.max(0, r.height)} stroke={colour} strokeDasharray={bad ? '6 4' : undefined}
              vectorEffect="non-scaling-stroke" className="box-body"
              onPointerDown={(event) => {
                if (edit.disabled || edit.drawing || event.button !== 0) return;
                edit.onSelect(key);
                begin(event, { kind: 'move', box, start: point(event), rect: rectOf(box) });
              }} />
            {caption && <text x={at.x} y={at.y} fontSize={font} fill={colour} paintOrder="stroke">{text}</text>}
            {selected && !edit.disabled && (['nw', 'ne', 'sw', 'se'] as const).map((corner) => (
              <rect key={corner} className={`handle handle-${corner}`} data-corner={corner} width={handle} height={handle}
                x={(corner.endsWith('w') ? r.left : r.left + r.width) - handle / 2} y={(corner.startsWith('n') ? r.top : r.top + r.height) - handle / 2}
                onPointerDown={(event) => begin(event, { kind: 'resize', box, corner, start: point(event), rect: rectOf(box) })} />
            ))}
          </g>
        );
      })}
      {drag?.kind === 'draw' && (
        <rect className="box-drawing" x={drag.rect.left} y={drag.rect.top} width={drag.rect.width} height={drag.rect.height} stroke={edit.drawColour} vectorEffect="non-scaling-stroke" />
      )}
    </svg>
  );
}

function rectOf(box: EntryBox): Rect {
  return { left: box.left, top: box.top, width: box.width, height: box.height };
}

function normalise(x1: number, y1: number, x2: number, y2: number): Rect {
  return { left: Math.min(x1, x2), top: Math.min(y1, y2), width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
}

/** The box with `corner` dragged by (dx, dy); the opposite corner stays put. */
function resized(box: EntryBox, corner: Corner, dx: number, dy: number): Rect {
  const x1 = corner.endsWith('w') ? box.left + dx : box.left;
  const x2 = corner.endsWith('e') ? box.left + box.width + dx : box.left + box.width;
  const y1 = corner.startsWith('n') ? box.top + dy : box.top;
  const y2 = corner.startsWith('s') ? box.top + box.height + dy : box.top + box.height;
  return normalise(x1, y1, x2, y2);
}
