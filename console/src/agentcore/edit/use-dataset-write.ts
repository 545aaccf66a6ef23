import { GetDatasetCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { useRef, useState } from 'react';
import { useClients } from '../../lib/clients.js';

export type WriteState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'sending' }
  /** Accepted (202); the dataset is UPDATING (or DELETING) until its job is done. */
  | { readonly kind: 'updating'; readonly status: string | undefined }
  | { readonly kind: 'done'; readonly status: string | undefined; readonly failureReason?: string }
  | { readonly kind: 'failed'; readonly error: unknown };

/**
 * One AgentCore write at a time (AddDatasetExamples, UpdateDatasetExamples, DeleteDatasetExamples,
 * CreateDatasetVersion, DeleteDataset of a version), followed until the dataset is ACTIVE again.
 * Each request carries a clientToken that is kept until the request succeeds: saving again after
 * a failure (a lost answer, a timeout) sends the same token, so AgentCore applies it once. A
 * changed request gets a new token (the same token with another request would be refused).
 */
export function useDatasetWrite(datasetId: string) {
  const { agentcore } = useClients();
  const tokens = useRef(new Map<string, string>());
  const [state, setState] = useState<WriteState>({ kind: 'idle' });
  const run = async (request: unknown, send: (clientToken: string) => Promise<unknown>): Promise<boolean> => {
    const key = JSON.stringify(request);
    const clientToken = tokens.current.get(key) ?? crypto.randomUUID();
    tokens.current.set(key, clientToken);
    setState({ kind: 'sending' });
    try {
      await send(clientToken);
      tokens.current.delete(key);
      for (;;) {
        const dataset = await agentcore.send(new GetDatasetCommand({ datasetId }));
        if (!/ING$/.test(dataset.status ?? '')) {
          setState({ kind: 'done', status: dataset.status, failureReason: dataset.failureReason });
          return !/FAILED/.test(dataset.status ?? '');
        }
        setState({ kind: 'updating', status: dataset.status });
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    } catch (error) {
      setState({ kind: 'failed', error });
      return false;
    }
  };
  /** Sent and not yet settled: its buttons wait (a second press would send it again). */
  const busy = state.kind === 'sending' || state.kind === 'updating';
  return { state, busy, run, reset: () => setState({ kind: 'idle' }) };
}
