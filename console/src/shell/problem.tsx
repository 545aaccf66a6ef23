import { errorText, errorWords } from '../lib/errors.js';

/**
 * An API error, in plain words where there are some, then AWS's words, with a way to try again.
 * `words`: the caller's own plain words for it, where the generic ones would mislead.
 */
export function Problem({ error, retry, change, words: given }: { error: unknown; retry?: () => void; change?: boolean; words?: string }) {
  const words = given ?? errorWords(error, change);
  return (
    <div role="alert" className="problem">
      {words && <p className="problem-words">{words}</p>}
      <p>{errorText(error)}</p>
      {retry && <button type="button" onClick={retry}>Try again</button>}
    </div>
  );
}
