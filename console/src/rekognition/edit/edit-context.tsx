import { DescribeDatasetCommand, UpdateDatasetEntriesCommand } from '@aws-sdk/client-rekognition';
import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useMemo, useState } from 'react';
import { usePermission, useTrovePermission } from '../../lib/caller.js';
import { useClients } from '../../lib/clients.js';
import type { Clients } from '../../lib/clients.js';
import type { Decision } from '../../lib/permissions.js';
import { readEntry } from '../entry-model.js';
import type { EntryModel } from '../entry-model.js';
import { findEntryLine } from '../find-entry.js';
import { EntrySaver } from './entry-saver.js';
import type { Expectation, SaverPort } from './entry-saver.js';

/**
 * What the views of one dataset share while editing: whether the key may change it (and why
 * not), the saver all saves go through (one at a time), the entries saved on this page as they
 * were read back (shown in place of the listing's older lines, so the grid keeps its place), and
 * the labels to choose from (the dataset's, plus new ones made here until they are saved on an image).
 */
export interface DatasetEditing {
  readonly datasetArn: string;
  /** rekognition:UpdateDatasetEntries on the dataset. */
  readonly permission: Decision;
  readonly saver: EntrySaver;
  readonly saved: ReadonlyMap<string, EntryModel>;
  /** Records lines read back after a save (or the current lines of a conflict the user accepted). */
  remember(lines: ReadonlyMap<string, string>): void;
  readonly labels: readonly string[];
  createLabel(name: string): void;
  /**
   * Called after every save that reached the dataset: status, stats and labels are read again;
   * `relist`: the grid reads its listing again too (entries were added, or too many changed to keep in `saved`).
   */
  readonly onSaved: (relist?: boolean) => void;
}

const Context = createContext<DatasetEditing | undefined>(undefined);

export function useEditing(): DatasetEditing | undefined {
  return useContext(Context);
}

/** The SDK calls of a save: DescribeDataset, UpdateDatasetEntries(IfUnchanged), ListDatasetEntries to read back. */
function saverPort(clients: Clients, datasetArn: string): SaverPort {
  const { rekognition, trove } = clients;
  return {
    async describe() {
      const d = (await rekognition.send(new DescribeDatasetCommand({ DatasetArn: datasetArn }))).DatasetDescription;
      return { status: d?.Status, message: d?.StatusMessage };
    },
    async updateIfUnchanged(lines: readonly string[], expected: readonly Expectation[]) {
      await trove.post('/_trove/api/rekognition/update-entries-if-unchanged', {
        datasetArn, changes: { groundTruth: base64(lines.join('\n')) }, expected,
      });
    },
    async update(lines: readonly string[]) {
      await rekognition.send(new UpdateDatasetEntriesCommand({ DatasetArn: datasetArn, Changes: { GroundTruth: new TextEncoder().encode(lines.join('\n')) } }));
    },
    async readBack(sourceRefs: readonly string[]) {
      const found = new Map<string, string>();
      for (const ref of sourceRefs) {
        const line = await findEntryLine(rekognition, datasetArn, ref);
        if (line !== undefined) found.set(ref, line);
      }
      return found;
    },
    sleep: (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * `listing` names the grid's listing (it changes when the entries are listed afresh): the entries
 * saved before a fresh listing are in it as they are now, so they are no longer drawn over it (a
 * line read back after a save must not hide a later change, such as a bulk label change, that the
 * new listing has).
 */
export function DatasetEditingProvider({ datasetArn, datasetLabels, listing, onSaved, children }: {
  datasetArn: string; datasetLabels: readonly string[]; listing: unknown; onSaved: (relist?: boolean) => void; children: ReactNode;
}) {
  const clients = useClients();
  const permission = usePermission(['rekognition:UpdateDatasetEntries', [datasetArn]]);
  const conditional = useTrovePermission('UpdateDatasetEntriesIfUnchanged', [datasetArn]).allowed;
  const saver = useMemo(() => new EntrySaver(saverPort(clients, datasetArn), { conditional }), [clients, datasetArn, conditional]);
  const [saved, setSaved] = useState<ReadonlyMap<string, EntryModel>>(new Map());
  const [savedFor, setSavedFor] = useState(listing);
  if (savedFor !== listing) {
    setSavedFor(listing);
    setSaved(new Map());
  }
  const [created, setCreated] = useState<readonly string[]>([]);
  const remember = useCallback((lines: ReadonlyMap<string, string>) => {
    setSaved((previous) => {
      const next = new Map(previous);
      for (const [ref, line] of lines) next.set(ref, readEntry(line));
      return next;
    });
  }, []);
  const labels = useMemo(() => [...new Set([...datasetLabels, ...created])], [datasetLabels, created]);
  const createLabel = useCallback((name: string) => setCreated((c) => (c.includes(name) ? c : [...c, name])), []);
  const value = useMemo<DatasetEditing>(() => ({ datasetArn, permission, saver, saved, remember, labels, createLabel, onSaved }),
    [datasetArn, permission, saver, saved, remember, labels, createLabel, onSaved]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}
