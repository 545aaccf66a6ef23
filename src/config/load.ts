import { DEFAULTS, ENV_ONLY_SETTINGS, SETTINGS } from './schema.js';
import type { Config } from './schema.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/**
 * Builds the configuration from defaults, then environment variables, then command-line flags
 * (each overriding the one before), then `overrides` (tests). Never called at import time.
 */
export function loadConfig(input: {
  env?: Readonly<Record<string, string | undefined>>;
  flags?: Readonly<Record<string, string | undefined>>;
  overrides?: DeepPartial<Config>;
} = {}): Config {
  const config = structuredClone(DEFAULTS) as Mutable<Config>;
  for (const setting of SETTINGS) {
    const text = input.flags?.[setting.flag] ?? input.env?.[setting.env];
    if (text === undefined || text === '') continue;
    let value: unknown;
    try {
      value = setting.parse(text);
    } catch (error) {
      throw new Error(`--${setting.flag} / ${setting.env}: ${(error as Error).message}`);
    }
    assign(config, setting.path, value);
  }
  for (const setting of ENV_ONLY_SETTINGS) {
    const text = input.env?.[setting.env];
    if (text !== undefined && text !== '') assign(config, setting.path, text);
  }
  merge(config, input.overrides ?? {});
  return deepFreeze(config);
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function assign(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof target[key] === 'object') {
      merge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
