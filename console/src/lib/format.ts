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

/** `1 entry`, `302 entries`. */
export function plural(value: number, one: string, many: string): string {
  return `${count(value)} ${value === 1 ? one : many}`;
}

/** `…/dataset/train/123` → `TRAIN`. */
export function datasetTypeOf(arn: string): string {
  const match = /\/dataset\/([a-z]+)\//.exec(arn);
  return match ? match[1].toUpperCase() : 'dataset';
}

/** Epoch seconds to the second (a job's times, where a minute is too coarse). */
export function whenExact(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' });
}
