import { errorText, errorWords } from '../lib/errors.js';

/** An API error, in plain words where there are some, then AWS's words, with a way to try again. */
export function Problem({ error, retry, change }: { error: unknown; retry?: () => void; change?: boolean }) {
  const words = errorWords(error, change);
  return (
    <div role="alert" className="problem">
      {words && <p className="problem-words">{words}</p>}
      <p>{errorText(error)}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
