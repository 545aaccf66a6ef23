// The form view of an AgentCore example for the two schema types AWS documents (facts §6):
// predefined conversations (scenario_id, turns with input and expected response, expected tool
// trajectory, assertions) and simulated users (scenario_id, description, actor profile's goal
// and context, first input, turn limit, assertions). A form edits only those fields: every other
// key of the example (metadata, traits, fields of a later schema) is kept as it was. An example
// whose fields are not plain text (a structured turn input) is edited as JSON instead. Pure.

export type Example = Record<string, unknown>;

export interface Turn {
  readonly input: string;
  readonly expected_response: string;
}

export type ExampleForm =
  | {
    readonly kind: 'predefined';
    readonly scenario_id: string;
    readonly turns: readonly Turn[];
    readonly expected_trajectory: readonly string[];
    readonly assertions: readonly string[];
  }
  | {
    readonly kind: 'simulated';
    readonly scenario_id: string;
    readonly scenario_description: string;
    readonly goal: string;
    readonly context: string;
    readonly input: string;
    /** As typed: a whole number, or empty for none. */
    readonly max_turns: string;
    readonly assertions: readonly string[];
  };

export const PREDEFINED = 'AGENTCORE_EVALUATION_PREDEFINED_V1';
export const SIMULATED = 'AGENTCORE_EVALUATION_SIMULATED_V1';

/** A blank example of the schema type, as a form; undefined for types without a form. */
export function blankForm(schemaType: string): ExampleForm | undefined {
  if (schemaType === PREDEFINED) return { kind: 'predefined', scenario_id: '', turns: [{ input: '', expected_response: '' }], expected_trajectory: [], assertions: [] };
  if (schemaType === SIMULATED) return { kind: 'simulated', scenario_id: '', scenario_description: '', goal: '', context: '', input: '', max_turns: '', assertions: [] };
  return undefined;
}

/** The example as a form, or undefined when the type has none or a field the form shows is not plain text. */
export function toForm(schemaType: string, example: Example): ExampleForm | undefined {
  const text = (value: unknown) => (value === undefined ? '' : typeof value === 'string' ? value : undefined);
  const texts = (value: unknown) => (value === undefined ? [] : Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined);
  const scenario = text(example['scenario_id']);
  const assertions = texts(example['assertions']);
  if (scenario === undefined || assertions === undefined) return undefined;
  if (schemaType === PREDEFINED) {
    const turns = example['turns'] === undefined ? [] : example['turns'];
    const trajectory = texts(example['expected_trajectory']);
    if (!Array.isArray(turns) || trajectory === undefined) return undefined;
    const read: Turn[] = [];
    for (const turn of turns) {
      if (!isObject(turn)) return undefined;
      const input = text(turn['input']);
      const expected = text(turn['expected_response']);
      if (input === undefined || expected === undefined || Object.keys(turn).some((k) => k !== 'input' && k !== 'expected_response')) return undefined;
      read.push({ input, expected_response: expected });
    }
    return { kind: 'predefined', scenario_id: scenario, turns: read, expected_trajectory: trajectory, assertions };
  }
  if (schemaType === SIMULATED) {
    const actor = example['actor_profile'] === undefined ? {} : example['actor_profile'];
    if (!isObject(actor)) return undefined;
    const [description, goal, context, input] = [example['scenario_description'], actor['goal'], actor['context'], example['input']].map(text);
    const maxTurns = example['max_turns'];
    if ([description, goal, context, input].some((v) => v === undefined) || !(maxTurns === undefined || Number.isInteger(maxTurns))) return undefined;
    return {
      kind: 'simulated', scenario_id: scenario, scenario_description: description!, goal: goal!, context: context!, input: input!,
      max_turns: maxTurns === undefined ? '' : String(maxTurns), assertions,
    };
  }
  return undefined;
}

/**
 * The example the form describes, built on `base` (the example as it was; `{}` for a new one):
 * the form's fields replace theirs, optional ones left empty are taken out, everything else stays.
 */
export function fromForm(form: ExampleForm, base: Example): Example {
  const next: Example = { ...base, scenario_id: form.scenario_id };
  const list = (key: string, values: readonly string[]) => {
    const kept = values.map((v) => v.trim()).filter((v) => v !== '');
    if (kept.length > 0) next[key] = kept;
    else delete next[key];
  };
  if (form.kind === 'predefined') {
    next['turns'] = form.turns.map((turn) => (turn.expected_response.trim() === '' ? { input: turn.input } : { input: turn.input, expected_response: turn.expected_response }));
    list('expected_trajectory', form.expected_trajectory);
  } else {
    if (form.scenario_description.trim() === '') delete next['scenario_description'];
    else next['scenario_description'] = form.scenario_description;
    const actor = isObject(base['actor_profile']) ? base['actor_profile'] : {};
    next['actor_profile'] = { ...actor, context: form.context, goal: form.goal };
    next['input'] = form.input;
    const turns = form.max_turns.trim();
    // A number as typed; anything else is sent as it is so the schema check names it.
    if (turns === '') delete next['max_turns'];
    else next['max_turns'] = /^-?\d+$/.test(turns) ? Number(turns) : turns;
  }
  list('assertions', form.assertions);
  return next;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
