import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { applySync, checkDeletes, planSync, readLocal, SyncRefused } from '../../client/agentcore-sync.js';
import type { SyncPlan } from '../../client/agentcore-sync.js';
import type { Command } from '../index.js';
import { CLIENT_OPTIONS, CLIENT_OPTIONS_HELP, resolveClientTarget } from '../client-target.js';
import { commandFlags } from '../command-args.js';
import { counted, forTerminal } from '../terminal-text.js';

/** By default a sync may delete at most this share of the dataset's examples without --force. */
const DEFAULT_MAX_DELETE_SHARE = 0.1;
/** Ids listed per kind of change in the human summary. */
const SHOWN = 20;

const USAGE = `Usage: trove sync --dataset-id ID --from FILE.jsonl [--dry-run] [--force] [--max-delete PERCENT] [--json]

Makes an AgentCore dataset's DRAFT equal to a JSON Lines file of examples, matched by their
"exampleId" (every line needs one): new ids are added, changed examples replaced, and examples
the file lacks deleted. The file's format is what \`trove export --format jsonl\` writes.
  --dry-run           print what would be added, updated and deleted, change nothing
  --max-delete PCT    refuse to delete more than this share of the dataset (default ${DEFAULT_MAX_DELETE_SHARE * 100}%)
  --force             delete however many examples the file lacks
Running it again is harmless: it applies only what still differs, and each call carries a
client token derived from the dataset's state and the call's content, so a retried call is
applied once. Talks to the AgentCore API with the official SDK (works against AWS too).
${CLIENT_OPTIONS_HELP}
`;

const OPTIONS = {
  ...CLIENT_OPTIONS,
  'dataset-id': { type: 'string' }, from: { type: 'string' }, 'dry-run': { type: 'boolean' }, force: { type: 'boolean' },
  'max-delete': { type: 'string' }, json: { type: 'boolean' },
} as const;

/** `trove sync`: an AgentCore dataset's DRAFT from a local JSONL file, by exampleId. */
export const syncCommand: Command = {
  name: 'sync',
  async run(args, env) {
    const values = commandFlags(args, OPTIONS, USAGE);
    if (!values) return 0;
    const datasetId = values['dataset-id'];
    if (!datasetId) throw new Error('--dataset-id is required.');
    if (!values.from) throw new Error('--from FILE.jsonl is required.');
    const share = values['max-delete'] === undefined ? DEFAULT_MAX_DELETE_SHARE : percent(values['max-delete']);
    const target = await resolveClientTarget(values, env);
    const client = new BedrockAgentCoreControlClient({ endpoint: target.endpoint, region: target.region, credentials: target.credentials });
    const out = (text: string) => process.stdout.write(forTerminal(text));
    try {
      const plan = await planSync(client, datasetId, await readLocal(values.from));
      let refusal: string | undefined;
      try {
        checkDeletes(plan, share, values.force === true);
      } catch (error) {
        if (!(error instanceof SyncRefused)) throw error;
        refusal = error.message;
      }
      if (values['dry-run']) {
        out(values.json ? `${JSON.stringify({ dryRun: true, ...counts(plan), add: plan.add, update: plan.update, delete: plan.delete, refused: refusal ?? null }, null, 2)}\n`
          : `${describe(plan, true)}${refusal ? `without --force the sync would stop: ${refusal}\n` : ''}`);
        return 0;
      }
      if (refusal) throw new SyncRefused(refusal);
      const steps = await applySync(client, datasetId, values.from, plan, (step) => {
        if (!values.json) process.stderr.write(`${step.operation} ${counted(step.count, 'example')}: done\n`);
      });
      out(values.json ? `${JSON.stringify({ dryRun: false, ...counts(plan), steps }, null, 2)}\n` : describe(plan, false));
      return 0;
    } finally {
      client.destroy();
    }
  },
};

function counts(plan: SyncPlan) {
  return { added: plan.add.length, updated: plan.update.length, deleted: plan.delete.length, unchanged: plan.unchanged, before: plan.remoteCount, after: plan.localCount };
}

function describe(plan: SyncPlan, dryRun: boolean): string {
  const verb = dryRun ? 'would be' : 'were';
  const list = (mark: string, ids: string[]) => ids.slice(0, SHOWN).map((id) => `${mark} ${id}\n`).join('') + (ids.length > SHOWN ? `${mark} ... and ${ids.length - SHOWN} more\n` : '');
  const total = plan.add.length + plan.update.length + plan.delete.length;
  return `${list('+', plan.add)}${list('~', plan.update)}${list('-', plan.delete)}`
    + (total === 0 ? `nothing to do: the DRAFT already equals the file (${counted(plan.unchanged, 'example')})\n`
      : `${plan.add.length} ${verb} added, ${plan.update.length} updated, ${plan.delete.length} deleted, ${plan.unchanged} unchanged\n`);
}

function percent(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)%?$/.exec(text);
  const value = match ? Number(match[1]) : NaN;
  if (!(value >= 0 && value <= 100)) throw new Error(`--max-delete must be a percentage from 0 to 100, not "${text}".`);
  return value / 100;
}
