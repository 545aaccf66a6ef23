import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { elementsAsSent } from '../../../src/lib/json-as-sent.js';
import { seededRandom } from '../../harness/seeded-random.js';

/** What the stored text must be: JSON.stringify of the element as JSON.parse makes it, without `exampleId`. */
function stringified(text: string, path: string[]): string[] {
  let value = JSON.parse(text) as Record<string, unknown>;
  for (const name of path) value = value[name] as Record<string, unknown>;
  return (value as unknown as unknown[]).map((element) => {
    if (typeof element !== 'object' || element === null || Array.isArray(element)) return JSON.stringify(element);
    const { exampleId: _omitted, ...content } = element as Record<string, unknown>;
    return JSON.stringify(content);
  });
}

/** Every element given as sent must be exactly what JSON.stringify writes; returns which were. */
function check(text: string, path = ['examples']): boolean[] {
  const sent = elementsAsSent(text, path, 'exampleId');
  const expected = stringified(text, path);
  expect(sent).toHaveLength(expected.length);
  sent!.forEach((element, i) => {
    if (element !== undefined) expect(element).toBe(expected[i]);
  });
  return sent!.map((element) => element !== undefined);
}

describe('elementsAsSent', () => {
  it('gives back compact elements as sent, without their exampleId wherever it stands', () => {
    const examples = [
      { exampleId: 'a', scenario_id: 's', turns: [{ input: 'q "quoted" \\ back\nline\ttab\u0001', expected_response: 'é ☃ 😀' }], assertions: ['x'] },
      { scenario_id: 's', exampleId: 'b', n: 12, f: 1.5, big: 1e21, neg: -3, t: true, z: null, nested: { deep: [[], {}, [1, [2]]] } },
      { scenario_id: 's', exampleId: 'c' },
      { exampleId: 'd' },
      { no_id: 'minted later' },
      {},
    ];
    const text = JSON.stringify({ clientToken: 't', examples });
    expect(check(text)).toEqual([true, true, true, true, true, true]);
    expect(elementsAsSent(text, ['examples'], 'exampleId')).toEqual([
      '{"scenario_id":"s","turns":[{"input":"q \\"quoted\\" \\\\ back\\nline\\ttab\\u0001","expected_response":"é ☃ 😀"}],"assertions":["x"]}',
      '{"scenario_id":"s","n":12,"f":1.5,"big":1e+21,"neg":-3,"t":true,"z":null,"nested":{"deep":[[],{},[1,[2]]]}}',
      '{"scenario_id":"s"}', '{}', '{"no_id":"minted later"}', '{}',
    ]);
  });

  it('finds the array down a path of members, whitespace between elements and members on the way allowed', () => {
    const text = '{ "source" : { "inlineExamples" : { "examples" : [ {"exampleId":"a","x":1} ,\n {"y":[true,false]} ] } }, "datasetName": "n" }';
    expect(check(text, ['source', 'inlineExamples', 'examples'])).toEqual([true, true]);
  });

  it.each([
    ['whitespace inside an element', '{"examples":[{"a": 1}]}'],
    ['a newline inside an element', '{"examples":[{"a":[1,\n2]}]}'],
    ['an escaped slash', '{"examples":[{"a":"x\\/y"}]}'],
    ['a \\u escape of a printable character', '{"examples":[{"a":"\\u0041"}]}'],
    ['an upper-case \\u escape', '{"examples":[{"a":"\\u001F"}]}'],
    ['a \\u escape with a short form', '{"examples":[{"a":"\\u000a"}]}'],
    ['an escaped surrogate pair', '{"examples":[{"a":"\\ud83d\\ude00"}]}'],
    ['an escaped key', '{"examples":[{"\\u0061":1}]}'],
    ['a number written otherwise', '{"examples":[{"a":1.0}]}'],
    ['an exponent', '{"examples":[{"a":1E3}]}'],
    ['minus zero', '{"examples":[{"a":-0}]}'],
    ['an integer beyond doubles', '{"examples":[{"a":12345678901234567890}]}'],
    ['a repeated key', '{"examples":[{"a":1,"a":2}]}'],
    ['a repeated key deeper', '{"examples":[{"b":{"a":1,"a":2}}]}'],
    ['a repeated exampleId', '{"examples":[{"exampleId":"x","exampleId":"y","a":1}]}'],
    ['an array-index key (JSON.parse puts it first)', '{"examples":[{"b":1,"7":2}]}'],
  ])('leaves an element with %s to JSON.stringify', (_name, text) => {
    expect(check(text)).toEqual([false]);
  });

  it('checks the escapes of the string after an escaped slash', () => {
    // \/ is two characters: the check once stepped six, over the next string's backslash.
    expect(check('{"examples":["\\/","\\ue000"]}')).toEqual([false, false]);
    expect(check('{"examples":[{"\\/":"\\u0041"}]}')).toEqual([false]);
  });

  it('judges each element on its own', () => {
    expect(check('{"examples":[{"a":1},{"a" :1},{"a":"\\u0041"},{"b":2}]}')).toEqual([true, false, false, true]);
  });

  it.each([
    ['the member repeated (JSON.parse takes the last)', '{"examples":[{"a":1}],"examples":[{"b":2}]}'],
    ['the member once escaped, once not', '{"ex\\u0061mples":[{"a":1}],"examples":[{"b":1}]}'],
    ['no such member', '{"other":[{"a":1}]}'],
    ['not an array', '{"examples":{"a":1}}'],
    ['text JSON.parse refuses', '{"examples":[{"a":1},]}'],
    ['text cut short', '{"examples":[{"a":"b'],
  ])('gives up on the whole array with %s', (_name, text) => {
    expect(elementsAsSent(text, ['examples'], 'exampleId')).toBeUndefined();
  });

  it('finds a member whose name is escaped, as JSON.parse does', () => {
    expect(check('{"ex\\u0061mples":[{"a":1}]}')).toEqual([true]);
  });

  it('gives back an empty array, and elements that are not objects as they are', () => {
    expect(elementsAsSent('{"examples":[]}', ['examples'], 'exampleId')).toEqual([]);
    expect(check('{"examples":["s",3,null,[1]]}')).toEqual([true, true, true, true]);
  });
});

describe('elementsAsSent on generated JSON', () => {
  const STRINGS = ['', 'a', 'exampleId', '7', '__proto__', 'q"uote', 'back\\slash', 'new\nline', '\u0000\u001f\u007f', 'é☃😀', '\u2028', '/'];
  const NUMBERS = ['0', '-0', '1', '1.0', '1.5', '-3', '1e21', '1E3', '0.1e1', '12345678901234567890', '5e-7'];

  /** JSON text of a random value, written compactly or not, with escapes JSON.stringify would or would not write. */
  function text(next: () => number, depth: number): string {
    const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
    const space = () => (next() < 0.05 ? pick([' ', '\n', '\t']) : '');
    const string = (value: string) => (next() < 0.1
      ? `"${[...value].map((c) => (next() < 0.5 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1))).join('')}"`
      : JSON.stringify(value));
    const kind = depth > 3 ? Math.floor(next() * 3) : Math.floor(next() * 5);
    if (kind === 0) return string(pick(STRINGS));
    if (kind === 1) return pick(NUMBERS);
    if (kind === 2) return pick(['true', 'false', 'null']);
    if (kind === 3) return `[${space()}${Array.from({ length: Math.floor(next() * 4) }, () => text(next, depth + 1)).join(`${space()},${space()}`)}${space()}]`;
    const members = Array.from({ length: Math.floor(next() * 5) }, () => `${string(pick(STRINGS))}${space()}:${space()}${text(next, depth + 1)}`);
    return `{${space()}${members.join(`,${space()}`)}${space()}}`;
  }

  it('never gives an element other than JSON.stringify writes, and gives most compact ones', () => {
    const next = seededRandom(16);
    let given = 0;
    for (let round = 0; round < 400; round++) {
      const elements = Array.from({ length: 5 }, () => {
        const element = text(next, 1);
        return element.startsWith('{') && next() < 0.5 ? `{"exampleId":"id"${/^\{\s*\}$/.test(element) ? '' : ','}${element.slice(1)}` : element;
      });
      given += check(`{"examples":[${elements.join(',')}]}`).filter(Boolean).length;
    }
    expect(given).toBeGreaterThan(500);
  });
});

describe('elementsAsSent on JSON written by hand (fast-check)', () => {
  // Texts JSON.stringify would not write next to ones it would: escapes of every kind, short
  // strings (so one string's escape lies close to the next one's), numbers in other forms,
  // repeated, escaped and index-like keys, whitespace, exampleId anywhere, the path member repeated.
  const space = fc.constantFrom('', '', '', '', '', ' ', '\n', '\t', '\r');
  const piece = fc.oneof(
    { arbitrary: fc.constantFrom('\\/', '\\u0041', '\\ue000', '\\u001F', '\\u001f'), weight: 2 },
    fc.constantFrom('a', 'é', '😀', '\u2028', '\u007f', '/', '\\"', '\\\\', '\\/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\u0000', '\\u001f', '\\u001F',
      '\\u0008', '\\u000a', '\\u0041', '\\ue000', '\\ud800', '\\ud83d\\ude00', '\\u005c', '\\u0022'),
    fc.string({ unit: 'binary', maxLength: 3 }).map((s) => JSON.stringify(s).slice(1, -1)),
  );
  const string = fc.array(piece, { maxLength: 2 }).map((pieces) => `"${pieces.join('')}"`);
  const key = fc.oneof(string, fc.constantFrom('"a"', '"b"', '"exampleId"', '"example\\u0049d"', '"__proto__"', '"0"', '"7"', '"-1"', '"examples"'));
  const number = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.constantFrom('0', '-0', '1', '1.0', '0.1e1', '1E5', '1e5', '1e+5', '1e21', '1e+21', '5e-7', '1e400', '12345678901234567890', '100'),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' },
      string, number, fc.constantFrom('true', 'false', 'null'),
      fc.array(fc.tuple(space, tie('value'), space), { maxLength: 3 }).map((items) => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
      fc.array(fc.tuple(key, space, space, tie('value'), space), { maxLength: 4 }).map((members) => `{${members.map(([k, a, b, v, c]) => `${k}${a}:${b}${v}${c}`).join(',')}}`),
    ),
  }));
  const example = fc.oneof(string, value, fc.array(fc.tuple(key, value), { maxLength: 5 }).map((members) => `{${members.map(([k, v]) => `${k}:${v}`).join(',')}}`));
  const body = fc.array(
    fc.tuple(fc.constantFrom('"examples"', '"exam\\u0070les"', '"other"'), fc.oneof(fc.array(example, { maxLength: 8 }).map((items) => `[${items.join(',')}]`), value)),
    { minLength: 1, maxLength: 3 },
  ).map((members) => `{${members.map(([k, v]) => `${k}:${v}`).join(',')}}`);

  it('never gives an element other than JSON.stringify writes', () => {
    fc.assert(fc.property(body, (text) => {
      const parsed = JSON.parse(text) as { examples?: unknown };
      const sent = elementsAsSent(text, ['examples'], 'exampleId');
      // The caller takes the elements only when there are as many as JSON.parse found.
      if (!Array.isArray(parsed.examples) || sent?.length !== parsed.examples.length) return;
      check(text);
    }), { seed: 18, numRuns: 5000 });
  });
});
