import { Problem } from '../../shell/problem.js';
import type { WriteState } from './use-dataset-write.js';

/** Where an AgentCore write is: sending, the dataset UPDATING, done (or FAILED with AgentCore's failureReason), refused. */
export function WriteStatus({ state, done = 'Saved' }: { state: WriteState; done?: string }) {
  if (state.kind === 'sending') return <p role="status" className="small">Saving…</p>;
  if (state.kind === 'updating') return <p role="status" className="small save-status busy">{state.status ?? 'UPDATING'}: AgentCore is applying the change…</p>;
  if (state.kind === 'failed') return <Problem error={state.error} change />;
  if (state.kind === 'done') {
    return state.failureReason && /FAILED/.test(state.status ?? '')
      ? <p role="alert" className="error-text small">{state.status}: {state.failureReason}</p>
      : <p role="status" className="small save-status ok">{done} ({state.status}).</p>;
  }
  return null;
}
