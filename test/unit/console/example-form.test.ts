import { describe, expect, it } from 'vitest';
import { blankForm, fromForm, PREDEFINED, SIMULATED, toForm } from '../../../console/src/agentcore/edit/example-form.js';
import type { ExampleForm } from '../../../console/src/agentcore/edit/example-form.js';

describe('the example form', () => {
  it('edits a predefined conversation and keeps the fields it does not show', () => {
    const example = { exampleId: 'e1', scenario_id: 'math', turns: [{ input: 'What is 2+2?', expected_response: '4' }, { input: 'And 3+3?' }], metadata: { team: 'a' }, assertions: ['polite'] };
    const form = toForm(PREDEFINED, example) as Extract<ExampleForm, { kind: 'predefined' }>;
    expect(form).toEqual({ kind: 'predefined', scenario_id: 'math', turns: [{ input: 'What is 2+2?', expected_response: '4' }, { input: 'And 3+3?', expected_response: '' }], expected_trajectory: [], assertions: ['polite'] });
    const edited = fromForm({ ...form, turns: [...form.turns, { input: 'Thanks', expected_response: 'You are welcome' }], expected_trajectory: ['calculator', ' '], assertions: [] }, example);
    expect(edited).toEqual({
      exampleId: 'e1', scenario_id: 'math', metadata: { team: 'a' }, expected_trajectory: ['calculator'],
      turns: [{ input: 'What is 2+2?', expected_response: '4' }, { input: 'And 3+3?' }, { input: 'Thanks', expected_response: 'You are welcome' }],
    });
  });

  it('edits a simulated user, keeping its traits, and turns max_turns into a number', () => {
    const example = { scenario_id: 's', actor_profile: { context: 'c', goal: 'g', traits: { mood: 'angry' } }, input: 'hi', max_turns: 5 };
    const form = toForm(SIMULATED, example)!;
    expect(form).toMatchObject({ kind: 'simulated', goal: 'g', context: 'c', input: 'hi', max_turns: '5', scenario_description: '' });
    expect(fromForm({ ...form, goal: 'refund', max_turns: '' , scenario_description: 'Angry customer' } as typeof form, example)).toEqual({
      scenario_id: 's', scenario_description: 'Angry customer', actor_profile: { context: 'c', goal: 'refund', traits: { mood: 'angry' } }, input: 'hi',
    });
    expect(fromForm(blankForm(SIMULATED)!, {})).toEqual({ scenario_id: '', actor_profile: { context: '', goal: '' }, input: '' });
  });

  it('leaves structured examples and other schema types to the JSON editor', () => {
    expect(toForm(PREDEFINED, { scenario_id: 's', turns: [{ input: { text: 'structured' } }] })).toBeUndefined();
    expect(toForm(PREDEFINED, { scenario_id: 's', turns: [{ input: 'x', tool: 'y' }] })).toBeUndefined();
    expect(toForm('THIRD_PARTY_EVALUATION_V1', { input: 'x' })).toBeUndefined();
    expect(blankForm('THIRD_PARTY_EVALUATION_V1')).toBeUndefined();
  });
});
