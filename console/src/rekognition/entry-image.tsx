import type { PointerEvent, WheelEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { useClients } from '../lib/clients.js';
import { labelColour } from '../lib/palette.js';
import { crowded, placeCaption } from './box-layout.js';
import { useDisplayOptions } from './display-options.js';
import { EditableBoxes } from './edit/box-editor.js';
import type { BoxEditing } from './edit/box-editor.js';
import type { Size } from './edit/entry-edit.js';
import { boxCaption, boxKey } from './entry-model.js';
import type { EntryBox, EntryModel } from './entry-model.js';

/** Longest side of a grid thumbnail as asked of Trove: sharp on a card of ~250 × 150 CSS px at 2x. */
const THUMB_SIZE = 384;
/** The area an image is drawn in, in CSS px, to size captions (about 11 px on a card, 13 px in the dialog). */
const AREA = { thumb: { width: 240, height: 150, font: 11 }, large: { width: 720, height: 600, font: 13 } };

/**
 * Thumbnails are asked for once a card has stayed in view this long: cards a fast scroll passes
 * never request theirs, which would otherwise fill the browser's six connections to Trove ahead
 * of the listing calls the grid is waiting for.
 */
const SETTLE_MS = 150;

/** The signed URL of an entry's image or thumbnail (signing is asynchronous: WebCrypto HMAC). */
function useImageUrl(datasetArn: string, sourceRef: string, size: number | undefined): string | undefined {
  const { images } = useClients();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let live = true;
    setUrl(undefined);
    const timer = setTimeout(() => {
      images.url(datasetArn, sourceRef, size).then((signed) => live && setUrl(signed), () => undefined);
    }, size === undefined ? 0 : SETTLE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [images, datasetArn, sourceRef, size]);
  return url;
}

export function altText(entry: EntryModel): string {
  const names = [...new Set([...entry.imageLabels.map((l) => l.name), ...entry.boxes.map(boxCaption)])];
  return `${entry.sourceRef}${names.length > 0 ? `, labels: ${names.join(', ')}` : ', no labels'}`;
}

export interface EntryImageProps {
  readonly datasetArn: string;
  readonly entry: EntryModel;
  readonly size: 'thumb' | 'large';
  /** The box (boxKey) to emphasise. */
  readonly highlight?: string;
  /** Pointing at a box (large only): its key, or undefined when the pointer leaves it. */
  readonly onPoint?: (box: string | undefined) => void;
  /**
   * Large only: the boxes can be selected, moved, resized and drawn (edit/box-editor.tsx).
   * `frame` is the image's stored pixel size, for an entry that has no image_size yet.
   */
  readonly edit?: BoxEditing & { readonly frame?: Size };
}

/**
 * The image with its bounding boxes drawn over it, named, in the image's own pixel space
 * (image_size): the SVG scales like the image (contain), so boxes land where they belong. Each
 * label has its palette colour; a box with errors is dashed in the error colour, which no label
 * uses. Pixels are shown as stored (CSS image-orientation: none; thumbnails are made without
 * EXIF rotation), as Rekognition measures boxes on them. The large view zooms and pans.
 */
export function EntryImage({ datasetArn, entry, size, highlight, onPoint, edit }: EntryImageProps) {
  const url = useImageUrl(datasetArn, entry.sourceRef, size === 'thumb' ? THUMB_SIZE : undefined);
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  useEffect(() => setState('loading'), [url]);
  const display = useDisplayOptions();
  const frame = entry.imageSize ?? edit?.frame;
  // The dialog's image area is measured (it is small on a phone); cards have one fixed size.
  const [element, setElement] = useState<HTMLDivElement | null>(null);
  const measured = useElementSize(size === 'large' ? element : null);
  const area = measured ? { ...AREA.large, ...measured } : AREA[size];
  const font = frame ? area.font / Math.min(area.width / frame.width, area.height / frame.height) : 0;
  const shown = display.boxes ? entry.boxes.filter((box) => !display.hidden.has(boxCaption(box))) : [];
  const captions = frame !== undefined && display.captions
    && !(size === 'thumb' && crowded(shown.map((box) => ({ ...box, text: boxCaption(box) })), font, frame));
  const zoom = useZoom(size === 'large', element);

  return (
    <div className={`entry-image entry-image-${size} image-${state}${edit?.drawing ? ' image-drawing' : ''}`} aria-busy={state === 'loading'} {...zoom.handlers} ref={size === 'large' ? setElement : undefined}>
      <div className="zoom-layer" style={zoom.style}>
        {url && state !== 'failed' && (
          <img src={url} alt={altText(entry)} decoding="async" draggable={false} onLoad={() => setState('loaded')} onError={() => setState('failed')} />
        )}
        {frame && edit && (
          <EditableBoxes boxes={shown} frame={frame} font={font} caption={captions} highlight={highlight} edit={edit} onPoint={onPoint} />
        )}
        {frame && !edit && shown.length > 0 && (
          <svg className="boxes" viewBox={`0 0 ${frame.width} ${frame.height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
            {shown.map((box) => (
              <BoxShape key={boxKey(box)} box={box} font={font} frame={frame} caption={captions} highlight={highlight === boxKey(box)} onPoint={onPoint} />
            ))}
          </svg>
        )}
      </div>
      {state === 'loading' && <span className="image-loading" role="status" aria-label="Loading image" />}
      {state === 'failed' && <div className="image-missing" role="img" aria-label={`${altText(entry)} (image not available)`}><span>Image not available</span></div>}
      {size === 'large' && state === 'loaded' && (
        <div className="zoom-controls">
          <button type="button" onClick={() => zoom.by(1.5)} aria-label="Zoom in">+</button>
          <button type="button" onClick={() => zoom.by(1 / 1.5)} aria-label="Zoom out">−</button>
          <button type="button" onClick={zoom.reset} disabled={zoom.scale === 1} aria-label="Fit the image">Fit</button>
          <span className="small">{Math.round(zoom.scale * 100)}%</span>
        </div>
      )}
    </div>
  );
}

function BoxShape({ box, font, frame, caption, highlight, onPoint }: {
  box: EntryBox; font: number; frame: { width: number; height: number }; caption: boolean; highlight: boolean; onPoint?: (box: string | undefined) => void;
}) {
  const key = boxKey(box);
  const bad = box.errors.length > 0;
  const colour = bad ? 'var(--error)' : labelColour(boxCaption(box));
  const text = `${bad ? '⚠ ' : ''}${boxCaption(box)}`;
  const at = placeCaption(box, text, font, frame);
  return (
    <g className={`box${bad ? ' box-error' : ''}${highlight ? ' box-highlight' : ''}`} data-box={key} data-label={box.label ?? ''}
      onMouseEnter={onPoint && (() => onPoint(key))} onMouseLeave={onPoint && (() => onPoint(undefined))}>
      <rect x={box.left} y={box.top} width={Math.max(0, box.width)} height={Math.max(0, box.height)} stroke={colour}
        strokeDasharray={bad ? '6 4' : undefined} vectorEffect="non-scaling-stroke" />
      {caption && <text x={at.x} y={at.y} fontSize={font} fill={colour} paintOrder="stroke">{text}</text>}
    </g>
  );
}

/** The CSS size of an element, kept up to date (ResizeObserver); undefined without one. */
function useElementSize(element: HTMLElement | null) {
  const [size, setSize] = useState<{ width: number; height: number }>();
  useEffect(() => {
    if (!element) return;
    const observer = new ResizeObserver(() => setSize({ width: element.clientWidth || 1, height: element.clientHeight || 1 }));
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return element ? size : undefined;
}

/** Zoom (wheel, buttons) around a point and pan (drag) for the large view; nothing for thumbnails. */
function useZoom(enabled: boolean, element: HTMLElement | null) {
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number } | undefined>(undefined);
  const clamp = (scale: number) => Math.min(8, Math.max(1, scale));
  const zoomAt = (factor: number, cx: number, cy: number) => setView((v) => {
    const scale = clamp(v.scale * factor);
    if (scale === 1) return { scale: 1, x: 0, y: 0 };
    // Keep the point under the cursor where it is.
    const k = scale / v.scale;
    return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
  });
  if (!enabled) return { style: undefined, handlers: {}, scale: 1, by: (_factor: number) => undefined, reset: () => undefined };
  return {
    scale: view.scale,
    style: { transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` },
    by: (factor: number) => zoomAt(factor, (element?.clientWidth ?? 0) / 2, (element?.clientHeight ?? 0) / 2),
    reset: () => setView({ scale: 1, x: 0, y: 0 }),
    handlers: {
      onWheel: (event: WheelEvent<HTMLDivElement>) => {
        const rect = event.currentTarget.getBoundingClientRect();
        zoomAt(event.deltaY < 0 ? 1.2 : 1 / 1.2, event.clientX - rect.left, event.clientY - rect.top);
      },
      onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
        if (view.scale === 1 || (event.target as Element).closest('button')) return;
        drag.current = { x: event.clientX - view.x, y: event.clientY - view.y };
        event.currentTarget.setPointerCapture(event.pointerId);
      },
      onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
        const start = drag.current;
        if (start) setView((v) => ({ ...v, x: event.clientX - start.x, y: event.clientY - start.y }));
      },
      onPointerUp: () => {
        drag.current = undefined;
      },
    },
  };
}
