/** The schema types in words (AWS enum docs). */
const NAMES: Record<string, string> = {
  AGENTCORE_EVALUATION_PREDEFINED_V1: 'Predefined conversations',
  AGENTCORE_EVALUATION_SIMULATED_V1: 'Simulated users',
  THIRD_PARTY_EVALUATION_V1: 'Third-party evaluation',
};

export function schemaName(schemaType: string | undefined): string {
  return schemaType === undefined ? '—' : NAMES[schemaType] ?? schemaType;
}
