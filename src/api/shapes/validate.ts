import type { FieldViolation } from '../errors.js';
import type { Shape, StructureShape } from './shape.js';

/** How member names appear in error paths: awsJson1_1 members are PascalCase, AWS paths lowerCamel. */
export type PathStyle = 'lowerCamel' | 'asIs';

/**
 * Checks `input` against `shape` and returns every violation (never throws). Unknown members are
 * ignored, as AWS does. Blob members arrive as base64 text: their decoded size is checked, and a
 * valid blob is replaced in `input` by its bytes (a Buffer), so it is decoded only once.
 */
export function validateShape(input: unknown, shape: StructureShape, style: PathStyle = 'lowerCamel'): FieldViolation[] {
  const violations: FieldViolation[] = [];
  visit(input, shape, '', style, violations);
  return violations;
}

/** Returns the decoded bytes of a valid blob (its parent structure then holds them in its place). */
function visit(value: unknown, shape: Shape, path: string, style: PathStyle, out: FieldViolation[]): Buffer | void {
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
        const decoded = visit(memberValue, member.shape, memberPath, style, out);
        if (decoded) value[name] = decoded;
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
      if (shape.min !== undefined && bytes.length < shape.min) {
        return void out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      }
      if (shape.max !== undefined && bytes.length > shape.max) {
        return void out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      return bytes;
    }
    case 'list': {
      if (!Array.isArray(value)) return void out.push({ path, constraint: 'Member must be a list', value });
      if (shape.min !== undefined && value.length < shape.min) {
        out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      } else if (shape.max !== undefined && value.length > shape.max) {
        out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      value.forEach((item, index) => {
        if (item === null || item === undefined) out.push({ path: `${path}[${index}]`, constraint: 'Member must not be null' });
        else visit(item, shape.member, `${path}[${index}]`, style, out);
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
      for (const [key, item] of entries) {
        visit(key, shape.key, `${path}.key`, style, out);
        visit(item, shape.value, `${path}[${JSON.stringify(key)}]`, style, out);
      }
      return;
    }
    case 'document':
      return;
  }
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
