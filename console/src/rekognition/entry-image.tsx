import { useEffect, useState } from 'react';
import { useClients } from '../lib/clients.js';
import { labelHue } from '../lib/format.js';
import { boxKey } from './entry-model.js';
import type { EntryModel } from './entry-model.js';

/** The signed URL of an entry's image (signing is asynchronous: WebCrypto HMAC). */
function useImageUrl(datasetArn: string, sourceRef: string): string | undefined {
  const { images } = useClients();
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let live = true;
    setUrl(undefined);
    images.url(datasetArn, sourceRef).then((signed) => live && setUrl(signed), () => undefined);
    return () => {
      live = false;
    };
  }, [images, datasetArn, sourceRef]);
  return url;
}

export function altText(entry: EntryModel): string {
  const names = [...new Set([...entry.imageLabels.map((l) => l.name), ...entry.boxes.map((b) => b.label ?? 'unnamed box')])];
  return `${entry.sourceRef}${names.length > 0 ? `, labels: ${names.join(', ')}` : ', no labels'}`;
}

/**
 * The image with its bounding boxes drawn over it, named, in the image's own pixel space
 * (image_size): the SVG scales like the image (contain), so boxes land where they belong. A box
 * with errors is drawn dashed in the error colour.
 */
export function EntryImage({ datasetArn, entry, size, highlight }: { datasetArn: string; entry: EntryModel; size: 'thumb' | 'large'; highlight?: string }) {
  const url = useImageUrl(datasetArn, entry.sourceRef);
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [url]);
  const frame = entry.imageSize;
  const font = frame ? Math.max(frame.width, frame.height) * (size === 'large' ? 0.028 : 0.06) : 0;
  return (
    <div className={`entry-image entry-image-${size}`}>
      {url && !failed && <img src={url} alt={altText(entry)} decoding="async" onError={() => setFailed(true)} draggable={false} />}
      {failed && <div className="image-missing" role="img" aria-label={`${altText(entry)} (image not available)`}><span>Image not available</span></div>}
      {frame && entry.boxes.length > 0 && (
        <svg className="boxes" viewBox={`0 0 ${frame.width} ${frame.height}`} preserveAspectRatio="xMidYMid meet" aria-hidden="true">
          {entry.boxes.map((box) => {
            const key = boxKey(box);
            const bad = box.errors.length > 0;
            const colour = bad ? 'var(--error)' : `hsl(${labelHue(box.label ?? '')} 85% 55%)`;
            return (
              <g key={key} className={`box${bad ? ' box-error' : ''}${highlight === key ? ' box-highlight' : ''}`} data-box={key} data-label={box.label ?? ''}>
                <rect x={box.left} y={box.top} width={Math.max(0, box.width)} height={Math.max(0, box.height)} stroke={colour}
                  strokeDasharray={bad ? '6 4' : undefined} vectorEffect="non-scaling-stroke" />
                <text x={box.left} y={Math.max(font, box.top)} dy={-font * 0.2} fontSize={font} fill={colour} paintOrder="stroke">
                  {bad ? '⚠ ' : ''}{box.label ?? `class ${box.index}`}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </div>
  );
}
