import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Shape, StructureShape } from '../../../src/api/shapes/shape.js';

/** The botocore models live beside the repository in ../shared (never copied into it). */
export function loadModel(relative: string): BotocoreModel | undefined {
  const path = fileURLToPath(new URL(`../../../../shared/aws-models/${relative}`, import.meta.url));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as BotocoreModel) : undefined;
}

export interface BotocoreModel {
  operations: Record<string, { input?: { shape: string }; http?: { method: string; requestUri: string; responseCode?: number } }>;
  shapes: Record<string, BotocoreShape>;
}

interface BotocoreShape {
  type: string;
  members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  union?: boolean;
  document?: boolean;
}

/**
 * Differences between Trove's declared input shape and the model's, as readable lines
 * (empty when they agree on members, requiredness, lengths, ranges, patterns and enums).
 */
export function compareInput(model: BotocoreModel, modelShape: string, ours: StructureShape, memberName: (m: string) => string = (m) => m): string[] {
  const problems: string[] = [];
  compare(model, modelShape, ours, modelShape, problems, memberName);
  return problems;
}

function compare(model: BotocoreModel, name: string, ours: Shape, path: string, out: string[], memberName: (m: string) => string): void {
  const theirs = model.shapes[name];
  const kind = theirs.document ? 'document' : theirs.type;
  const expectedType = kind === 'timestamp' ? 'string' : kind;
  if (ours.type !== expectedType) {
    out.push(`${path}: type ${ours.type}, model ${kind}`);
    return;
  }
  const limits = (o: { min?: number; max?: number }) => {
    if ((o.min ?? undefined) !== (theirs.min ?? undefined) && !(theirs.min === 0 && o.min === undefined)) out.push(`${path}: min ${o.min}, model ${theirs.min}`);
    if (o.max !== theirs.max) out.push(`${path}: max ${o.max}, model ${theirs.max}`);
  };
  switch (ours.type) {
    case 'structure': {
      const members = theirs.members ?? {};
      for (const [member, ref] of Object.entries(members)) {
        if (ref.location === 'header') continue;
        const key = memberName(member);
        const mine = ours.members[key];
        if (!mine) {
          out.push(`${path}.${member}: missing`);
          continue;
        }
        const required = (theirs.required ?? []).includes(member);
        if (Boolean(mine.required) !== required) out.push(`${path}.${member}: required ${Boolean(mine.required)}, model ${required}`);
        compare(model, ref.shape, mine.shape, `${path}.${member}`, out, memberName);
      }
      for (const key of Object.keys(ours.members)) {
        if (!Object.keys(members).some((m) => memberName(m) === key)) out.push(`${path}.${key}: not in the model`);
      }
      if (Boolean(ours.union) !== Boolean(theirs.union)) out.push(`${path}: union ${Boolean(ours.union)}, model ${Boolean(theirs.union)}`);
      return;
    }
    case 'string':
      limits(ours);
      if (ours.pattern !== theirs.pattern) out.push(`${path}: pattern ${ours.pattern}, model ${theirs.pattern}`);
      if (JSON.stringify(ours.enum ?? null) !== JSON.stringify(theirs.enum ?? null)) out.push(`${path}: enum ${ours.enum}, model ${theirs.enum}`);
      return;
    case 'integer':
    case 'long':
    case 'blob':
      limits(ours);
      return;
    case 'list':
      limits(ours);
      compare(model, theirs.member!.shape, ours.member, `${path}[]`, out, memberName);
      return;
    case 'map':
      limits(ours);
      compare(model, theirs.key!.shape, ours.key, `${path}.key`, out, memberName);
      compare(model, theirs.value!.shape, ours.value, `${path}.value`, out, memberName);
      return;
    default:
      return;
  }
}
