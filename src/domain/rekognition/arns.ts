import type { Caller } from '../caller.js';

export type DatasetType = 'TRAIN' | 'TEST';

/** AWS: arn:aws:rekognition:<region>:<account>:project/<name>/<creation ms>. */
export function projectArn(caller: Caller, name: string, stamp: number): string {
  return `arn:aws:rekognition:${caller.region}:${caller.account}:project/${name}/${stamp}`;
}

/** AWS: <project ARN without its stamp>/dataset/<train|test>/<creation ms>. */
export function datasetArn(caller: Caller, projectName: string, type: DatasetType, stamp: number): string {
  return `arn:aws:rekognition:${caller.region}:${caller.account}:project/${projectName}/dataset/${type.toLowerCase()}/${stamp}`;
}

/**
 * True when the ARN names a resource of the caller's account and region. A resource of another
 * account does not exist for the caller, even when its ARN is given (ResourceNotFoundException).
 */
export function belongsTo(arn: string, caller: Caller): boolean {
  const parts = arn.split(':');
  return parts[3] === caller.region && parts[4] === caller.account;
}

/** The account an ARN names. */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** The dataset type an ARN names (`/dataset/train/` or `/dataset/test/`). */
export function datasetTypeOf(arn: string): DatasetType {
  return arn.includes('/dataset/train/') ? 'TRAIN' : 'TEST';
}
