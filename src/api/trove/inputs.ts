import { enumeration, integer, list, optional, string, structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/**
 * Input shapes of Trove's own operations (`/_trove/api/`, docs/trove-api.md), in the same shape
 * DSL as the AWS APIs, so the restJson protocol validates them before a handler runs. Add an
 * operation here, in http-bindings.ts, and as one file under src/operations/trove/.
 */
export const inputShapes = {
  GetCallerIdentity: structure({}),
  ListJobs: structure({
    states: optional(list(enumeration(['QUEUED', 'RUNNING', 'RETRYING', 'FAILED']), { min: 1, max: 4 })),
    maxResults: optional(integer({ min: 1, max: 1000 })),
    nextToken: optional(string({ min: 1, max: 2048 })),
  }),
} satisfies Record<string, StructureShape>;

export type TroveOperationName = keyof typeof inputShapes;

export type GetCallerIdentityInput = Record<string, never>;

export interface ListJobsInput {
  states?: ('QUEUED' | 'RUNNING' | 'RETRYING' | 'FAILED')[];
  maxResults?: number;
  nextToken?: string;
}
