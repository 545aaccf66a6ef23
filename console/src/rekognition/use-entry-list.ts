import { ListDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import { useEffect, useState } from 'react';
import { useClients } from '../lib/clients.js';
import { filteredPages } from '../lib/filtered-pages.js';
import { PagedList } from '../lib/paged-list.js';
import type { PageFetcher, PageLocator } from '../lib/paged-list.js';
import { listFilters } from './entry-filters.js';
import type { EntryFilters } from './entry-filters.js';
import { readEntry } from './entry-model.js';
import type { EntryModel } from './entry-model.js';

/** AWS: ListDatasetEntries returns at most 100 entries a page. */
export const PAGE_SIZE = 100;

/**
 * The dataset's entries under these filters as one PagedList, shared by the grid and the entry
 * dialog (so the dialog's previous/next follow the grid's filters and order). Far pages are
 * located with Trove's GetDatasetEntriesPageToken, pinned to the listing's revision; a new list
 * only for a new dataset, new filters or a new `generation` (the user asked for fresh entries).
 */
export function useEntryList(datasetArn: string, filters: EntryFilters, expectedCount: number | undefined, generation: number): PagedList<string, EntryModel> | undefined {
  const { rekognition, trove } = useClients();
  const members = listFilters(filters);
  const key = JSON.stringify([members, filters.errorCode, generation]);
  const [list, setList] = useState<PagedList<string, EntryModel>>();
  useEffect(() => {
    const fetchPage: PageFetcher<string> = async (token, signal) => {
      const out = await rekognition.send(new ListDatasetEntriesCommand({ DatasetArn: datasetArn, ...members, MaxResults: PAGE_SIZE, NextToken: token }), { abortSignal: signal });
      return { items: out.DatasetEntries ?? [], nextToken: out.NextToken };
    };
    const code = filters.errorCode;
    const locate: PageLocator = async (position, listingToken, signal) => {
      const out = await trove.post<{ nextToken?: string; entryCount?: number }>('/_trove/api/rekognition/entries-page-token', {
        datasetArn, position, listingToken,
        containsLabels: members.ContainsLabels, labeled: members.Labeled, hasErrors: members.HasErrors, sourceRefContains: members.SourceRefContains,
      }, signal);
      return { token: out.nextToken, count: out.entryCount };
    };
    const next = code === undefined
      ? new PagedList<string, EntryModel>(fetchPage, { pageSize: PAGE_SIZE, expectedCount, prepare: (lines) => lines.map(readEntry), locate })
      // An error code is no API filter: the entries with errors, kept when they have that code (no locating: positions differ).
      : new PagedList<string, EntryModel>(filteredPages(fetchPage, (line) => readEntry(line).errors.some((e) => e.code === code), PAGE_SIZE), {
        pageSize: PAGE_SIZE, expectedCount, prepare: (lines) => lines.map(readEntry),
      });
    setList(next);
    return () => next.dispose();
    // The counts that size the list may change while it is read; they do not make a new listing.
  }, [rekognition, trove, datasetArn, key]);
  return list;
}
