/** A status as AWS names it, coloured by what it means: in progress, failed, done. */
export function StatusBadge({ status }: { status: string | undefined }) {
  const text = status ?? 'UNKNOWN';
  const tone = /FAILED|ERROR/.test(text) ? 'bad' : /PROGRESS|CREATING|UPDATING|DELETING/.test(text) ? 'busy' : /MODIFIED/.test(text) && !/UNMODIFIED/.test(text) ? 'warn' : 'ok';
  return <span className={`badge badge-${tone}`} aria-label={`status ${text}`}>{text.replaceAll('_', ' ')}</span>;
}
