const number = new Intl.NumberFormat('en');

export function count(value: number | undefined): string {
  return value === undefined ? '—' : number.format(value);
}

/** A date as the SDKs return it (Date) or epoch seconds. */
export function when(value: Date | number | undefined): string {
  if (value === undefined) return '—';
  const date = typeof value === 'number' ? new Date(value * 1000) : value;
  return date.toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** `arn:aws:rekognition:r:a:project/flowers/123` → `flowers`. */
export function projectNameOf(arn: string): string {
  const match = /:project\/([^/]+)\//.exec(arn);
  return match ? match[1] : arn;
}

/** A stable hue for a label name, so a label has the same colour everywhere. */
export function labelHue(name: string): number {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(hash) % 360;
}

/** `…/dataset/train/123` → `TRAIN`. */
export function datasetTypeOf(arn: string): string {
  const match = /\/dataset\/([a-z]+)\//.exec(arn);
  return match ? match[1].toUpperCase() : 'dataset';
}
