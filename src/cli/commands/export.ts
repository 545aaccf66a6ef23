import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ExchangeClient } from '../../client/exchange-client.js';
import type { ExportLinkWire } from '../../client/exchange-client.js';
import { TroveApiClient } from '../../client/trove-api-client.js';
import { readTar } from '../../lib/tar.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { commandFlags } from '../command-args.js';
import { forTerminal } from '../terminal-text.js';

const USAGE = `Usage:
  trove export --dataset-arn ARN [--snapshot NAME | --revision N] --format manifest|coco|yolo --out PATH [--json]
  trove export --dataset-id ID [--version N] --format jsonl|csv --out PATH [--json]

Exports a Rekognition dataset (at its current revision, a snapshot or a revision) as a Ground
Truth manifest, COCO JSON or a YOLO folder (--out is then a folder: data.yaml, images.txt,
labels/), or an AgentCore dataset (its DRAFT or a published --version) as JSONL or CSV. The file
is streamed from the running Trove (Trove API export links, docs/trove-api.md) and written as it
arrives; a failed transfer leaves no partial file.
${CLIENT_OPTIONS_HELP}
`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  'dataset-arn': { type: 'string' }, 'dataset-id': { type: 'string' }, snapshot: { type: 'string' }, revision: { type: 'string' },
  version: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
} as const;

/** `trove export`: a dataset in an open format, from any Trove over HTTP. */
export const exportCommand: Command = {
  name: 'export',
  async run(args, env) {
    const values = commandFlags(args, OPTIONS, USAGE);
    if (!values) return 0;
    const format = (values.format ?? '').toLowerCase();
    if (!values.out) throw new Error('--out PATH is required.');
    const arn = values['dataset-arn'];
    const id = values['dataset-id'];
    if ((arn === undefined) === (id === undefined)) throw new Error('give either --dataset-arn (Rekognition) or --dataset-id (AgentCore).');
    const exchange = new ExchangeClient(new TroveApiClient(await resolveClientTarget(values, env)));
    let link: ExportLinkWire;
    if (arn !== undefined) {
      if (!['manifest', 'coco', 'yolo'].includes(format)) throw new Error('--format must be manifest, coco or yolo for a Rekognition dataset.');
      if (values.snapshot !== undefined && values.revision !== undefined) throw new Error('give --snapshot or --revision, not both.');
      if (values.revision !== undefined && !/^[0-9]{1,15}$/.test(values.revision)) throw new Error(`--revision must be a revision number, not "${values.revision}".`);
      if (values.snapshot !== undefined && /^[0-9]+$/.test(values.snapshot)) throw new Error('a snapshot name is never only digits (use --revision).');
      link = await exchange.exportEntries(arn, format.toUpperCase() as 'MANIFEST', values.snapshot ?? values.revision);
    } else {
      if (!['jsonl', 'csv'].includes(format)) throw new Error('--format must be jsonl or csv for an AgentCore dataset.');
      link = await exchange.exportExamples(id!, format.toUpperCase() as 'JSONL', values.version);
    }
    const response = await exchange.download(link.url);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    const out = resolve(values.out);
    const written = format === 'yolo' ? await unpack(body, out) : await save(body, out);
    const summary = { ...describe(link), format, out, ...written };
    process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n`
      : forTerminal(`exported ${summary.source} as ${format}: ${written.bytes} bytes${'files' in written ? ` in ${written.files} files` : ''} → ${out}\n`));
    return 0;
  },
};

function describe(link: ExportLinkWire): { source: string; revision?: number; snapshot?: string; datasetVersion?: string } {
  if (link.datasetArn) {
    const at = link.snapshot ? `snapshot ${link.snapshot} (revision ${link.revision})` : `revision ${link.revision}`;
    return { source: `${link.datasetArn} at ${at}`, revision: link.revision, ...(link.snapshot ? { snapshot: link.snapshot } : {}) };
  }
  return { source: `${link.datasetId} ${link.datasetVersion === 'DRAFT' ? 'DRAFT' : `version ${link.datasetVersion}`}`, datasetVersion: link.datasetVersion };
}

/** Writes the stream to a file beside `out`, renamed into place once complete. */
async function save(body: Readable, out: string): Promise<{ bytes: number }> {
  const partial = `${out}.partial-${process.pid}`;
  let bytes = 0;
  const count = async function* (chunks: AsyncIterable<Buffer>) {
    for await (const chunk of chunks) {
      bytes += chunk.length;
      yield chunk;
    }
  };
  try {
    await mkdir(dirname(out), { recursive: true });
    await pipeline(body, count, createWriteStream(partial));
    await rename(partial, out);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bytes };
}

/** Unpacks the YOLO tar stream into the folder `out`; names that would leave it are refused. */
async function unpack(body: Readable, out: string): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  await mkdir(out, { recursive: true });
  for await (const file of readTar(body, { maxBody: 256 * 1024 * 1024 })) {
    const path = resolve(out, file.name);
    if (!path.startsWith(out + sep)) throw new Error(`the archive names a file outside ${out}: ${file.name}`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.body ?? Buffer.alloc(0));
    bytes += file.size;
    files++;
  }
  return { bytes, files };
}

