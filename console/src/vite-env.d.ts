/// <reference types="vite/client" />

/** The server's AgentCore example schemas as validation functions, generated at build time (console/build/example-validators.ts). */
declare module 'virtual:example-validators' {
  import type { ErrorObject } from 'ajv/dist/2020.js';
  export const validators: Readonly<Record<string, ((data: unknown) => boolean) & { errors?: ErrorObject[] | null }>>;
}
