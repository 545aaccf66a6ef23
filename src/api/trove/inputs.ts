import { structure } from '../shapes/shape.js';
import type { StructureShape } from '../shapes/shape.js';

/**
 * Input shapes of Trove's own operations (`/_trove/api/`, docs/trove-api.md), in the same shape
 * DSL as the AWS APIs, so the restJson protocol validates them before a handler runs. Add an
 * operation here, in http-bindings.ts, and as one file under src/operations/trove/.
 */
export const inputShapes = {
  GetCallerIdentity: structure({}),
} satisfies Record<string, StructureShape>;

export type TroveOperationName = keyof typeof inputShapes;

export type GetCallerIdentityInput = Record<string, never>;
