import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { RekognitionClient } from '@aws-sdk/client-rekognition';
import { readEntry } from './entry-model.js';

/**
 * One entry's listed line, found by its source-ref (AWS has no GetDatasetEntry: ListDatasetEntries
 * with SourceRefContains, a substring match, keeping the exact one); undefined when there is none.
 */
export async function findEntryLine(rekognition: RekognitionClient, datasetArn: string, sourceRef: string, signal?: AbortSignal): Promise<string | undefined> {
  let token: string | undefined;
  do {
    const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, SourceRefContains: sourceRef, MaxResults: 100, NextToken: token }), { abortSignal: signal });
    const line = (out.DatasetEntries ?? []).find((l) => readEntry(l).sourceRef === sourceRef);
    if (line) return line;
    token = out.NextToken;
  } while (token);
  return undefined;
}
