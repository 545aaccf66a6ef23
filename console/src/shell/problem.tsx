import { errorText } from '../lib/errors.js';

/** An API error, in AWS's words, with a way to try again. */
export function Problem({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div role="alert" className="problem">
      <p>{errorText(error)}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
