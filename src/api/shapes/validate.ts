import type { FieldViolation } from '../errors.js';
import type { Shape, StructureShape } from './shape.js';

/** How member names appear in error paths: awsJson1_1 members are PascalCase, AWS paths lowerCamel. */
export type PathStyle = 'lowerCamel' | 'asIs';

/**
 * Long base64 strings the protocol decoded while the body streamed in, by the placeholder string
 * the parsed input holds in their place (protocols/base64-extractor.ts).
 */
export type PredecodedBlobs = ReadonlyMap<string, Buffer>;

/**
 * Checks `input` against `shape` and returns every violation (never throws). Unknown members are
 * ignored, as AWS does. Blob members arrive as base64 text: their decoded size is checked, and a
 * valid blob is replaced in `input` by its bytes (a Buffer), so it is decoded only once. A
 * placeholder of `blobs` stands for its base64 text: a blob member takes its bytes as they are,
 * any other member gets the text back.
 */
export function validateShape(input: unknown, shape: StructureShape, style: PathStyle = 'lowerCamel', blobs?: PredecodedBlobs): FieldViolation[] {
  const violations: FieldViolation[] = [];
  visit(input, shape, '', style, violations, blobs?.size ? blobs : undefined);
  return violations;
}

/**
 * Returns what the parent must hold in place of `raw`, if anything: the decoded bytes of a valid
 * blob, or the text of a placeholder outside a blob member.
 */
function visit(raw: unknown, shape: Shape, path: string, style: PathStyle, out: FieldViolation[], blobs: PredecodedBlobs | undefined): unknown {
  const predecoded = blobs && typeof raw === 'string' ? blobs.get(raw) : undefined;
  if (predecoded && shape.type === 'blob') return blobSize(predecoded, shape, path, out);
  // Anywhere else a placeholder is the base64 text it stands for (canonical: re-encoding is exact).
  const value = predecoded ? predecoded.toString('base64') : shape.type === 'document' && blobs ? restore(raw, blobs) : raw;
  const replacement = check(value, shape, path, style, out, blobs);
  return replacement ?? (value !== raw ? value : undefined);
}

function check(value: unknown, shape: Shape, path: string, style: PathStyle, out: FieldViolation[], blobs: PredecodedBlobs | undefined): Buffer | void {
  switch (shape.type) {
    case 'structure': {
      if (!isObject(value)) return void out.push({ path: path || 'body', constraint: 'Member must be a structure', value });
      let present = 0;
      for (const [name, member] of Object.entries(shape.members)) {
        const memberPath = join(path, style === 'lowerCamel' ? lowerCamel(name) : name);
        const memberValue = value[name];
        if (memberValue === undefined || memberValue === null) {
          if (member.required) out.push({ path: memberPath, constraint: 'Member must not be null' });
          continue;
        }
        present++;
        const replacement = visit(memberValue, member.shape, memberPath, style, out, blobs);
        if (replacement !== undefined) value[name] = replacement;
      }
      if (shape.union && present !== 1) {
        out.push({ path: path || 'body', constraint: `Member must have exactly one of its members set (${present} given)` });
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void out.push({ path, constraint: 'Member must be of type string', value });
      if (shape.min !== undefined && value.length < shape.min) {
        out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}`, value });
      } else if (shape.max !== undefined && value.length > shape.max) {
        out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}`, value });
      } else if (shape.enum && !shape.enum.includes(value)) {
        out.push({ path, constraint: `Member must satisfy enum value set: [${shape.enum.join(', ')}]`, value });
      } else if (shape.regex && !shape.regex.test(value)) {
        out.push({ path, constraint: `Member must satisfy regular expression pattern: ${shape.pattern}`, value });
      }
      return;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return void out.push({ path, constraint: `Member must be of type ${shape.type}`, value });
      }
      if (shape.min !== undefined && value < shape.min) {
        out.push({ path, constraint: `Member must have value greater than or equal to ${shape.min}`, value });
      } else if (shape.max !== undefined && value > shape.max) {
        out.push({ path, constraint: `Member must have value less than or equal to ${shape.max}`, value });
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') out.push({ path, constraint: 'Member must be of type boolean', value });
      return;
    case 'blob': {
      // An @httpPayload body arrives as bytes already.
      if (Buffer.isBuffer(value)) {
        if (shape.min !== undefined && value.length < shape.min) out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
        else if (shape.max !== undefined && value.length > shape.max) out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
        return;
      }
      // Decoded once, here: Buffer decoding skips characters outside the alphabet (and stops at a
      // misplaced '='), so a result shorter than the text implies reveals them.
      const bytes = typeof value === 'string' && value.length % 4 === 0 ? Buffer.from(value, 'base64') : undefined;
      if (!bytes || bytes.length !== decodedLength(value as string)) {
        return void out.push({ path, constraint: 'Member must be a base64-encoded blob' });
      }
      return blobSize(bytes, shape, path, out);
    }
    case 'list': {
      if (!Array.isArray(value)) return void out.push({ path, constraint: 'Member must be a list', value });
      if (shape.min !== undefined && value.length < shape.min) {
        out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      } else if (shape.max !== undefined && value.length > shape.max) {
        out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      value.forEach((item, index) => {
        if (item === null || item === undefined) return void out.push({ path: `${path}[${index}]`, constraint: 'Member must not be null' });
        const replacement = visit(item, shape.member, `${path}[${index}]`, style, out, blobs);
        if (replacement !== undefined) value[index] = replacement;
      });
      return;
    }
    case 'map': {
      if (!isObject(value)) return void out.push({ path, constraint: 'Member must be a map', value });
      const entries = Object.entries(value);
      if (shape.min !== undefined && entries.length < shape.min) {
        out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      } else if (shape.max !== undefined && entries.length > shape.max) {
        out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      for (const [raw, item] of entries) {
        const key = (visit(raw, shape.key, `${path}.key`, style, out, blobs) as string | undefined) ?? raw;
        const replacement = visit(item, shape.value, `${path}[${JSON.stringify(key)}]`, style, out, blobs);
        if (key !== raw) delete value[raw];
        if (key !== raw || replacement !== undefined) value[key] = replacement ?? item;
      }
      return;
    }
    case 'document':
      return;
  }
}

function blobSize(bytes: Buffer, shape: Extract<Shape, { type: 'blob' }>, path: string, out: FieldViolation[]): Buffer | void {
  if (shape.min !== undefined && bytes.length < shape.min) {
    return void out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
  }
  if (shape.max !== undefined && bytes.length > shape.max) {
    return void out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
  }
  return bytes;
}

/** A document's JSON with every placeholder turned back into its text. */
function restore(value: unknown, blobs: PredecodedBlobs): unknown {
  if (typeof value === 'string') return blobs.get(value)?.toString('base64') ?? value;
  if (Array.isArray(value)) return value.map((item) => restore(item, blobs));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [restore(key, blobs), restore(item, blobs)]));
  return value;
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

function lowerCamel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
