/**
 * A small declarative mirror of the Smithy/botocore shapes Trove accepts as input: just enough to
 * check every modelled constraint (required, length, range, pattern, enum, list and map sizes).
 * Declared by hand per API in `api/<service>/inputs.ts`; `test/unit/model-conformance.test.ts`
 * checks the declarations against the botocore models in ../shared/aws-models.
 */
export type Shape =
  | StructureShape
  | StringShape
  | NumberShape
  | BooleanShape
  | BlobShape
  | ListShape
  | MapShape
  | DocumentShape;

export interface StructureShape {
  readonly type: 'structure';
  readonly members: Readonly<Record<string, Member>>;
  /** Exactly one member must be set (Smithy unions such as AgentCore's `source`). */
  readonly union?: boolean;
}

export interface Member {
  readonly shape: Shape;
  readonly required?: boolean;
}

export interface StringShape {
  readonly type: 'string';
  readonly min?: number;
  readonly max?: number;
  /** The model's pattern text, quoted in error messages. */
  readonly pattern?: string;
  /** The anchored, compiled form of `pattern` (the models leave some patterns unanchored; AWS matches them whole). */
  readonly regex?: RegExp;
  readonly enum?: readonly string[];
}

export interface NumberShape {
  readonly type: 'integer' | 'long';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape {
  readonly type: 'boolean';
}

/** Base64 on the JSON wire; `min`/`max` apply to the decoded bytes. */
export interface BlobShape {
  readonly type: 'blob';
  readonly min?: number;
  readonly max?: number;
}

export interface ListShape {
  readonly type: 'list';
  readonly member: Shape;
  readonly min?: number;
  readonly max?: number;
}

export interface MapShape {
  readonly type: 'map';
  readonly key: StringShape;
  readonly value: Shape;
  readonly min?: number;
  readonly max?: number;
}

/** Free JSON (Smithy document); validated elsewhere (e.g. against a dataset's schema type). */
export interface DocumentShape {
  readonly type: 'document';
}

export function string(options: Omit<StringShape, 'type' | 'regex'> & { flags?: string } = {}): StringShape {
  const { flags, ...rest } = options;
  const regex = rest.pattern === undefined ? undefined : anchored(rest.pattern, flags);
  return { type: 'string', ...rest, regex };
}

export function enumeration(values: readonly string[]): StringShape {
  return { type: 'string', enum: values };
}

export function integer(options: { min?: number; max?: number } = {}): NumberShape {
  return { type: 'integer', ...options };
}

export function long(options: { min?: number; max?: number } = {}): NumberShape {
  return { type: 'long', ...options };
}

export const boolean: BooleanShape = { type: 'boolean' };
export const document: DocumentShape = { type: 'document' };

export function blob(options: { min?: number; max?: number } = {}): BlobShape {
  return { type: 'blob', ...options };
}

export function list(member: Shape, options: { min?: number; max?: number } = {}): ListShape {
  return { type: 'list', member, ...options };
}

export function map(key: StringShape, value: Shape, options: { min?: number; max?: number } = {}): MapShape {
  return { type: 'map', key, value, ...options };
}

export function structure(members: Record<string, Member>, options: { union?: boolean } = {}): StructureShape {
  return { type: 'structure', members, ...options };
}

export function required(shape: Shape): Member {
  return { shape, required: true };
}

export function optional(shape: Shape): Member {
  return { shape };
}

/** AWS matches a member's whole value against its pattern, whether or not the model anchors it. */
function anchored(pattern: string, flags = 'u'): RegExp {
  return new RegExp(`^(?:${pattern})$`, flags);
}
