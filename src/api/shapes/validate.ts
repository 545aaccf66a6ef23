import type { FieldViolation } from '../errors.js';
import type { Shape, StructureShape } from './shape.js';

/** How member names appear in error paths: awsJson1_1 members are PascalCase, AWS paths lowerCamel. */
export type PathStyle = 'lowerCamel' | 'asIs';

/** Characters of the standard base64 alphabet (the AWS SDKs send padded standard base64). */
const BASE64_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') BASE64_CHAR[c.charCodeAt(0)] = 1;

/**
 * Checks `input` against `shape` and returns every violation (never throws). Unknown members are
 * ignored, as AWS does. Blob members are checked as base64 text with the size of the decoded bytes.
 */
export function validateShape(input: unknown, shape: StructureShape, style: PathStyle = 'lowerCamel'): FieldViolation[] {
  const violations: FieldViolation[] = [];
  visit(input, shape, '', style, violations);
  return violations;
}

function visit(value: unknown, shape: Shape, path: string, style: PathStyle, out: FieldViolation[]): void {
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
        visit(memberValue, member.shape, memberPath, style, out);
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
      if (typeof value !== 'string' || !isBase64(value)) {
        return void out.push({ path, constraint: 'Member must be a base64-encoded blob' });
      }
      const bytes = decodedLength(value);
      if (shape.min !== undefined && bytes < shape.min) {
        out.push({ path, constraint: `Member must have length greater than or equal to ${shape.min}` });
      } else if (shape.max !== undefined && bytes > shape.max) {
        out.push({ path, constraint: `Member must have length less than or equal to ${shape.max}` });
      }
      return;
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

/** A table lookup per character: a 7 MB blob is checked in a few milliseconds. */
function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  let end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  if (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code >= 128 || BASE64_CHAR[code] === 0) return false;
  }
  return true;
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
