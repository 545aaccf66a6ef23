import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { createContext, useContext } from 'react';
import { ImageUrls } from './image-urls.js';
import type { Session } from './session.js';
import { TroveApi } from './trove-api.js';

/**
 * The official AWS SDK clients, running in the browser against this Trove (the page's origin):
 * the console reads data through the same APIs as every other client, signed with the
 * signed-in key pair.
 */
export interface Clients {
  readonly session: Session;
  readonly rekognition: RekognitionClient;
  readonly agentcore: BedrockAgentCoreControlClient;
  readonly images: ImageUrls;
  /** Trove's own API (`/_trove/api/`). */
  readonly trove: TroveApi;
}

export function createClients(session: Session): Clients {
  const config = {
    endpoint: window.location.origin,
    region: session.region,
    credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
  };
  const rekognition = new RekognitionClient(config);
  return {
    session, rekognition, agentcore: new BedrockAgentCoreControlClient(config), images: new ImageUrls(rekognition, session),
    trove: new TroveApi(rekognition, session),
  };
}

export const ClientsContext = createContext<Clients | undefined>(undefined);

export function useClients(): Clients {
  const clients = useContext(ClientsContext);
  if (!clients) throw new Error('useClients outside a signed-in console');
  return clients;
}
