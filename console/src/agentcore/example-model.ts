// Reads an AgentCore evaluation example into a conversation a person can follow: who says what
// in which turn, what the agent is expected to answer, which tools it should call, what must
// hold at the end, and who the simulated user is. Field names per schema type follow the facts
// (agentcore-datasets.md §6; THIRD_PARTY_EVALUATION_V1 is AWS-undocumented, so it is read
// leniently). Every piece keeps its JSON path so a diff can highlight it. Pure: no DOM.

import type { Path } from './version-diff.js';

export type Speaker = 'user' | 'expected' | 'assistant' | 'system' | 'tool' | 'other';

export interface Message {
  readonly speaker: Speaker;
  /** The role as written, for third-party messages ("user", "assistant", ...). */
  readonly role: string;
  /** A string, or any JSON (structured inputs). */
  readonly content: unknown;
  readonly path: Path;
  /** Turn number (1-based) for predefined conversations. */
  readonly turn?: number;
}

export interface Conversation {
  readonly exampleId: string;
  readonly title: string;
  readonly description: string | undefined;
  readonly messages: readonly Message[];
  readonly trajectory: { readonly tools: readonly unknown[]; readonly path: Path } | undefined;
  readonly assertions: { readonly items: readonly unknown[]; readonly path: Path } | undefined;
  readonly actor: { readonly context: unknown; readonly goal: unknown; readonly traits: unknown; readonly path: Path } | undefined;
  readonly maxTurns: unknown;
  /** Fields none of the above shows, as [name, value]. */
  readonly other: readonly (readonly [string, unknown])[];
}

const SHOWN = new Set([
  'exampleId', 'scenario_id', 'scenario_description', 'turns', 'input', 'expected_response', 'expected_output',
  'expected_trajectory', 'expected_tools', 'assertions', 'actor_profile', 'max_turns',
]);

export function readConversation(example: Record<string, unknown>): Conversation {
  const exampleId = typeof example['exampleId'] === 'string' ? example['exampleId'] : '';
  const messages: Message[] = [];
  const turns = example['turns'];
  if (Array.isArray(turns)) {
    // PREDEFINED_V1: each turn is the user's input and, optionally, the expected response.
    turns.forEach((turn, i) => {
      if (!isObject(turn)) {
        messages.push({ speaker: 'other', role: 'turn', content: turn, path: ['turns', i], turn: i + 1 });
        return;
      }
      messages.push({ speaker: 'user', role: 'user', content: turn['input'], path: ['turns', i, 'input'], turn: i + 1 });
      if (turn['expected_response'] !== undefined) {
        messages.push({ speaker: 'expected', role: 'expected response', content: turn['expected_response'], path: ['turns', i, 'expected_response'], turn: i + 1 });
      }
    });
  } else if (Array.isArray(example['input'])) {
    // THIRD_PARTY_EVALUATION_V1 multi-turn: a list of chat messages with roles.
    example['input'].forEach((message, i) => {
      const role = isObject(message) && typeof message['role'] === 'string' ? message['role'] : 'message';
      const content = isObject(message) && 'content' in message ? message['content'] : message;
      messages.push({ speaker: speakerOf(role), role, content, path: ['input', i, ...(isObject(message) && 'content' in message ? ['content'] : [])] });
    });
  } else if (example['input'] !== undefined) {
    // SIMULATED_V1 (the first message of the simulated user) or a single-turn third-party input.
    messages.push({ speaker: 'user', role: 'user', content: example['input'], path: ['input'] });
  }
  for (const key of ['expected_response', 'expected_output'] as const) {
    if (example[key] !== undefined) messages.push({ speaker: 'expected', role: 'expected response', content: example[key], path: [key] });
  }

  const trajectoryKey = Array.isArray(example['expected_trajectory']) ? 'expected_trajectory' : Array.isArray(example['expected_tools']) ? 'expected_tools' : undefined;
  const actor = example['actor_profile'];
  const scenario = example['scenario_id'];
  return {
    exampleId,
    title: typeof scenario === 'string' && scenario !== '' ? scenario : exampleId,
    description: typeof example['scenario_description'] === 'string' && example['scenario_description'] !== '' ? example['scenario_description'] : undefined,
    messages,
    trajectory: trajectoryKey ? { tools: example[trajectoryKey] as unknown[], path: [trajectoryKey] } : undefined,
    assertions: Array.isArray(example['assertions']) ? { items: example['assertions'], path: ['assertions'] } : undefined,
    actor: isObject(actor) ? { context: actor['context'], goal: actor['goal'], traits: actor['traits'], path: ['actor_profile'] } : undefined,
    maxTurns: example['max_turns'],
    other: Object.entries(example).filter(([key]) => !SHOWN.has(key) || (key === 'actor_profile' && !isObject(actor))),
  };
}

function speakerOf(role: string): Speaker {
  if (role === 'user' || role === 'assistant' || role === 'system' || role === 'tool') return role;
  return 'other';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One example as a table row: scenario, the first input, the first expected response, and any other top-level fields (metadata). */
export interface ExampleRow {
  readonly exampleId: string;
  readonly scenario: string;
  readonly input: string;
  readonly expected: string;
  /** Fields the conversation view lists under the conversation, as text. */
  readonly other: ReadonlyMap<string, string>;
}

export function exampleRow(example: Record<string, unknown>): ExampleRow {
  const conversation = readConversation(example);
  const first = (speaker: Speaker) => conversation.messages.find((m) => m.speaker === speaker)?.content;
  return {
    exampleId: conversation.exampleId,
    scenario: typeof example['scenario_id'] === 'string' ? example['scenario_id'] : '',
    input: asText(first('user') ?? conversation.messages[0]?.content),
    expected: asText(first('expected')),
    other: new Map(conversation.other.map(([key, value]) => [key, asText(value)])),
  };
}

/** True when the search text is in the example's scenario_id or any of its inputs (case-insensitive). */
export function matchesSearch(example: Record<string, unknown>, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === '') return true;
  const conversation = readConversation(example);
  const texts = [typeof example['scenario_id'] === 'string' ? example['scenario_id'] : '', ...conversation.messages.filter((m) => m.speaker === 'user' || m.speaker === 'other').map((m) => asText(m.content))];
  return texts.some((text) => text.toLowerCase().includes(needle));
}

function asText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
