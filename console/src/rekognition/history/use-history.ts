import { DatasetHistoryClient } from '../../../../src/client/dataset-history-client.js';
import { useClients } from '../../lib/clients.js';
import type { Clients } from '../../lib/clients.js';

const clients = new WeakMap<Clients, DatasetHistoryClient>();

/**
 * The Rekognition history operations of Trove's API (docs/trove-api.md), typed by the same
 * client `bin/trove datasets` uses, over the console's signed fetch.
 */
export function useHistoryClient(): DatasetHistoryClient {
  const current = useClients();
  let client = clients.get(current);
  if (!client) {
    client = new DatasetHistoryClient(current.trove);
    clients.set(current, client);
  }
  return client;
}
