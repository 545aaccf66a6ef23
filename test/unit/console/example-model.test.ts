import { describe, expect, it } from 'vitest';
import { readConversation } from '../../../console/src/agentcore/example-model.js';

describe('readConversation: an evaluation example as a conversation', () => {
  it('reads a predefined example turn by turn, with trajectory and assertions', () => {
    const c = readConversation({
      exampleId: 'e1', scenario_id: 'math-then-weather',
      turns: [{ input: 'What is 15 + 27?', expected_response: '42' }, { input: { text: 'weather?' } }],
      expected_trajectory: ['calculator', 'weather'], assertions: ['used the calculator'], metadata: { sessionId: 'abc' },
    });
    expect(c.title).toBe('math-then-weather');
    expect(c.messages.map((m) => [m.speaker, m.turn, m.path.join('.')])).toEqual([
      ['user', 1, 'turns.0.input'], ['expected', 1, 'turns.0.expected_response'], ['user', 2, 'turns.1.input'],
    ]);
    expect(c.messages[2].content).toEqual({ text: 'weather?' });
    expect(c.trajectory).toEqual({ tools: ['calculator', 'weather'], path: ['expected_trajectory'] });
    expect(c.assertions?.items).toEqual(['used the calculator']);
    expect(c.other).toEqual([['metadata', { sessionId: 'abc' }]]);
  });

  it('reads a simulated example: the actor profile and the first message', () => {
    const c = readConversation({
      exampleId: 'e2', scenario_id: 'sim-1', scenario_description: 'Frustrated customer',
      actor_profile: { context: 'Waiting 3 days', goal: 'Get a refund', traits: { personality: 'impatient' } },
      input: 'I want my money back!', max_turns: 5,
    });
    expect(c.description).toBe('Frustrated customer');
    expect(c.actor).toEqual({ context: 'Waiting 3 days', goal: 'Get a refund', traits: { personality: 'impatient' }, path: ['actor_profile'] });
    expect(c.messages).toEqual([{ speaker: 'user', role: 'user', content: 'I want my money back!', path: ['input'] }]);
    expect(c.maxTurns).toBe(5);
    expect(c.other).toEqual([]);
  });

  it('reads third-party chat messages with their roles, and the expected output', () => {
    const c = readConversation({
      exampleId: 'e3',
      input: [{ role: 'user', content: 'Book a flight' }, { role: 'assistant', content: 'Which date?' }, { role: 'critic', content: 'x' }],
      expected_output: 'Booked.', expected_tools: ['search_flights'],
    });
    expect(c.title).toBe('e3');
    expect(c.messages.map((m) => [m.speaker, m.role, m.content])).toEqual([
      ['user', 'user', 'Book a flight'], ['assistant', 'assistant', 'Which date?'], ['other', 'critic', 'x'], ['expected', 'expected response', 'Booked.'],
    ]);
    expect(c.messages[1].path).toEqual(['input', 1, 'content']);
    expect(c.trajectory?.path).toEqual(['expected_tools']);
  });
});
