import type { SchemaType } from '../../api/agentcore/inputs.js';

/**
 * JSON Schemas (2020-12) of one example per dataset schema type (facts §6). Required members
 * are AWS's documented ones; everything else is lenient because AWS stores content as-is.
 * `description` doubles as the error text when a `oneOf` fails.
 */
const nonBlankInput = {
  description: 'Member must be a non-blank string or a non-empty object',
  oneOf: [{ type: 'string', pattern: '\\S' }, { type: 'object', minProperties: 1 }],
};
const strings = { type: 'array', items: { type: 'string' } };

/** AWS: "pre-written inputs per conversation turn": scenario_id and a non-empty turns list, each with input. */
const PREDEFINED = {
  $id: 'AGENTCORE_EVALUATION_PREDEFINED_V1',
  type: 'object',
  required: ['scenario_id', 'turns'],
  properties: {
    scenario_id: { type: 'string', minLength: 1 },
    turns: {
      type: 'array', minItems: 1,
      items: { type: 'object', required: ['input'], properties: { input: nonBlankInput, expected_response: { type: 'string' } } },
    },
    expected_trajectory: strings,
    assertions: strings,
    metadata: { type: 'object' },
  },
};

/** AWS: a scenario for simulated conversations: scenario_id, actor_profile {context, goal}, input. */
const SIMULATED = {
  $id: 'AGENTCORE_EVALUATION_SIMULATED_V1',
  type: 'object',
  required: ['scenario_id', 'actor_profile', 'input'],
  properties: {
    scenario_id: { type: 'string', minLength: 1 },
    scenario_description: { type: 'string' },
    actor_profile: {
      type: 'object',
      required: ['context', 'goal'],
      properties: {
        context: { type: 'string', minLength: 1 },
        goal: { type: 'string', minLength: 1 },
        traits: { type: 'object' },
      },
    },
    input: nonBlankInput,
    max_turns: { type: 'integer', minimum: 1 },
    assertions: strings,
    metadata: { type: 'object' },
  },
};

/**
 * UNCONFIRMED (facts §6.3): AWS documents only "single-turn (string input) and multi-turn
 * (message list input)". This is the facts' lenient proposal: only a valid `input` is required.
 */
const THIRD_PARTY = {
  $id: 'THIRD_PARTY_EVALUATION_V1',
  type: 'object',
  required: ['input'],
  properties: {
    scenario_id: { type: 'string' },
    input: {
      description: 'Member must be a non-blank string or a non-empty list of {role, content} messages',
      oneOf: [
        { type: 'string', pattern: '\\S' },
        {
          type: 'array', minItems: 1,
          items: {
            type: 'object', required: ['role', 'content'],
            properties: { role: { enum: ['system', 'user', 'assistant', 'tool'] }, content: { type: ['string', 'array', 'object'] } },
          },
        },
      ],
    },
    expected_output: { type: 'string' },
    context: strings,
    retrieval_context: strings,
    expected_tools: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'object' }] } },
    metadata: { type: 'object' },
  },
};

export const EXAMPLE_SCHEMAS: Readonly<Record<SchemaType, object>> = {
  AGENTCORE_EVALUATION_PREDEFINED_V1: PREDEFINED,
  AGENTCORE_EVALUATION_SIMULATED_V1: SIMULATED,
  THIRD_PARTY_EVALUATION_V1: THIRD_PARTY,
};
