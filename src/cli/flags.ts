import { parseArgs } from 'node:util';
import { SETTINGS } from '../config/schema.js';

/** Parses `--flag value` / `--flag=value` for every configurable setting; unknown flags are errors. */
export function parseSettingFlags(args: string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
  return values as Record<string, string | undefined>;
}

/**
 * Parses a command's own options together with the setting flags (e.g. `--data-dir`), plus
 * positionals. Unknown flags are errors.
 */
export function parseCommandArgs<O extends Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>>(args: string[], own: O) {
  const settings = Object.fromEntries(SETTINGS.map((s) => [s.flag, { type: 'string' as const }]));
  const { values, positionals } = parseArgs({ args, options: { ...settings, ...own }, strict: true, allowPositionals: true });
  const all = values as Record<string, unknown>;
  const settingValues = Object.fromEntries(SETTINGS.map((s) => [s.flag, all[s.flag] as string | undefined]));
  return { settings: settingValues, values: values as { [K in keyof O]?: O[K]['multiple'] extends true ? (O[K]['type'] extends 'boolean' ? boolean[] : string[]) : (O[K]['type'] extends 'boolean' ? boolean : string) }, positionals };
}

export function settingsHelp(): string {
  return SETTINGS.map((s) => `  --${s.flag.padEnd(20)} ${s.env.padEnd(32)} ${s.help}`).join('\n');
}
