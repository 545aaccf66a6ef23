/**
 * Allow-list patterns of a credential, IAM-style: actions `<service>:<Operation>` (matched
 * case-insensitively, as IAM does) and resource ARNs (case-sensitive), both with `*` (any run of
 * characters) and `?` (one character) wildcards.
 */

const ACTION_PATTERN = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;
const RESOURCE_PATTERN = /^(\*|arn:[\x21-\x7e]+)$/;

/** Why an action pattern is not acceptable, or undefined. */
export function actionPatternProblem(pattern: string): string | undefined {
  return ACTION_PATTERN.test(pattern) ? undefined
    : `'${pattern}' is not an action pattern like rekognition:UpdateDatasetEntries, rekognition:Describe*, bedrock-agentcore:* or *.`;
}

/** Why a resource pattern is not acceptable, or undefined. */
export function resourcePatternProblem(pattern: string): string | undefined {
  return RESOURCE_PATTERN.test(pattern) ? undefined
    : `'${pattern}' is not an ARN pattern like arn:aws:rekognition:*:123456789012:project/flowers/* or *.`;
}

export function matchesAction(pattern: string, action: string): boolean {
  return globToRegExp(pattern, 'i').test(action);
}

export function matchesResource(pattern: string, arn: string): boolean {
  return globToRegExp(pattern, '').test(arn);
}

const compiled = new Map<string, RegExp>();

function globToRegExp(pattern: string, flags: string): RegExp {
  const id = `${flags}\0${pattern}`;
  let regexp = compiled.get(id);
  if (!regexp) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regexp = new RegExp(`^${body}$`, `${flags}s`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(id, regexp);
  }
  return regexp;
}
