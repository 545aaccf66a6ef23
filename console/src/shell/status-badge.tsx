/** A status as AWS names it, coloured by what it means: in progress, failed, done. Nothing while it is not known. */
export function StatusBadge({ status }: { status: string | undefined }) {
  if (status === undefined) return null;
  const tone = /FAILED|ERROR/.test(status) ? 'bad' : /PROGRESS|CREATING|UPDATING|DELETING/.test(status) ? 'busy' : /MODIFIED/.test(status) && !/UNMODIFIED/.test(status) ? 'warn' : 'ok';
  return <span className={`badge badge-${tone}`} aria-label={`status ${status}`}>{status.replaceAll('_', ' ')}</span>;
}
